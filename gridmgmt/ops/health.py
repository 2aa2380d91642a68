"""The health endpoint: is the database reachable, is the Celery broker reachable.

``GET /healthz`` answers 200 ``{"database": "ok", "broker": "ok"}`` when both
answer, else 503 with the failing one(s) named, e.g. ``{"database": "ok",
"broker": "unreachable: ConnectionRefusedError"}``. It needs no sign-in and
is exempt from the HTTPS redirect, so a load balancer or systemd watchdog on
the private side can poll it; it shows no addresses or settings.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

BROKER_TIMEOUT_S = 2.0


def database_state() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


def broker_state() -> str:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_S) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001  (kombu raises the transport's own errors, OSError among them)
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    states = {"database": database_state(), "broker": broker_state()}
    healthy = all(state == "ok" for state in states.values())
    return JsonResponse(states, status=200 if healthy else 503)
