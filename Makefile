# The two commands of the README: `make run` and `make test`.
PY := .venv/bin/python

.PHONY: run test setup db demo

setup:
	@scripts/setup.sh

db: setup
	@scripts/db.sh

demo: db
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: db
	$(PY) -m pytest $(PYTEST_ARGS)
