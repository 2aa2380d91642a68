# The README's commands: `make run`, `make test`, and `make serve` (production mode).
PY := .venv/bin/python
# Parallel test processes (pytest-xdist); 0 runs in this process. loadfile keeps a
# module on one process, so its module-scoped fixtures (the Yuexiu demo) load once.
PYTEST_WORKERS ?= 2

.PHONY: run serve test lint setup db demo stop

setup:
	@scripts/setup.sh

# The database and the brokers (Redis for Celery, Mosquitto for sensors).
db: setup
	@scripts/db.sh
	@scripts/services.sh

demo: db
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# Stops the project's PostgreSQL cluster (make run leaves it running for the next run).
stop:
	@scripts/db.sh stop

# Web server, Celery worker, beat and the MQTT consumer together (Procfile); Ctrl-C stops all four.
run: demo
	@mkdir -p .celery
	.venv/bin/honcho start --procfile Procfile

serve: db
	@scripts/serve.sh

lint: setup
	.venv/bin/ruff check .

test: db lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
