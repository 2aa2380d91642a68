#!/usr/bin/env bash
# `make serve`: production mode on this machine. DJANGO_DEBUG=0 under
# gunicorn, static files collected and served by WhiteNoise, photos through
# the permission-checked view, the Celery worker and beat; all three are
# started and stopped together by honcho (Procfile.serve).
# Without DJANGO_SECRET_KEY a key for this clone is made once in .secret_key
# (git-ignored, readable by its owner only). On plain HTTP (no TLS in front)
# set DJANGO_SECURE=0, else every page redirects to https.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=0 GRIDMGMT_ENV=production
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s .secret_key ] || (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))' > .secret_key)
  DJANGO_SECRET_KEY=$(cat .secret_key)
  export DJANGO_SECRET_KEY
fi
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/python manage.py migrate --noinput --verbosity 0
mkdir -p .celery
exec .venv/bin/honcho --procfile Procfile.serve start
