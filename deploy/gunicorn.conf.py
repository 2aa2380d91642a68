"""gunicorn settings for `make serve` and deploy/gridmgmt-web.service, from the environment.

GRIDMGMT_BIND (default 127.0.0.1:GRIDMGMT_PORT, the port `make run` takes
too, 8000 without it; behind nginx a Unix socket such as
unix:/run/gridmgmt/web.sock), GRIDMGMT_WEB_WORKERS (default 2 x cores + 1,
each with one database connection kept for DJANGO_CONN_MAX_AGE seconds),
GRIDMGMT_WEB_TIMEOUT (seconds, default 60: bulk imports go through the
command, not the web). Logs go to stderr (journald under systemd).
"""

import multiprocessing
import os

# `GRIDMGMT_PORT=8100 make serve` listens on 8100, as `make run` does (it took 8000 whatever the port said).
bind = os.environ.get("GRIDMGMT_BIND") or f"127.0.0.1:{os.environ.get('GRIDMGMT_PORT') or '8000'}"
workers = int(os.environ.get("GRIDMGMT_WEB_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
timeout = int(os.environ.get("GRIDMGMT_WEB_TIMEOUT", "60"))
# nginx buffers slow clients; gunicorn only sees whole requests.
keepalive = 5
accesslog = "-"
errorlog = "-"
# Behind nginx on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GRIDMGMT_FORWARDED_ALLOW_IPS", "127.0.0.1")
