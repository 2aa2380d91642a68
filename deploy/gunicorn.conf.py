"""gunicorn settings for `make serve` and deploy/gridmgmt-web.service, from the environment.

GRIDMGMT_BIND (default 127.0.0.1:8000; behind nginx a Unix socket such as
unix:/run/gridmgmt/web.sock), GRIDMGMT_WEB_WORKERS (default 2 x cores + 1,
each with one database connection kept for DJANGO_CONN_MAX_AGE seconds),
GRIDMGMT_WEB_TIMEOUT (seconds, default 60: bulk imports go through the
command, not the web). Logs go to stderr (journald under systemd).
"""

import multiprocessing
import os

bind = os.environ.get("GRIDMGMT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GRIDMGMT_WEB_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
timeout = int(os.environ.get("GRIDMGMT_WEB_TIMEOUT", "60"))
# nginx buffers slow clients; gunicorn only sees whole requests.
keepalive = 5
accesslog = "-"
errorlog = "-"
# Behind nginx on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GRIDMGMT_FORWARDED_ALLOW_IPS", "127.0.0.1")
