"""S7: `runserver` under a browser's parallel requests holds no database connections afterwards.

runserver serves each browser connection (kept alive between requests) in a
thread of its own. With the old default CONN_MAX_AGE of 60 s every such
thread kept a database connection while the browser kept its socket open,
until the server ran out ("too many clients"). In development each
request's connection is now closed at its end (DJANGO_CONN_MAX_AGE defaults
to 0 when debugging). The server runs as a real process on the test
database; its connections are told apart by their application name.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[1]
CLIENTS = 8  # a browser keeps about 6 connections per host open; a few tabs more
REQUESTS_PER_CLIENT = 6


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = db["HOST"] or ""
    if host.startswith("/"):  # a Unix socket directory
        return f"postgis://{credentials}@/{db['NAME']}?host={quote(host)}" + (f"&port={db['PORT']}" if db["PORT"] else "")
    return f"postgis://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def held_connections(app_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [app_name])
        return cursor.fetchone()[0]


def held_after_keep_alive_clients(conn_max_age: str | None) -> int:
    """Database connections the server still holds while CLIENTS keep-alive clients sit idle after their requests.

    Like a browser: each client sends REQUESTS_PER_CLIENT requests that touch the
    database over one HTTP connection, in parallel with the others, and keeps
    that connection open. The count is taken once it is stable (a loaded
    machine may still be closing some).
    """
    port, app_name = free_port(), f"gridmgmt-s7-{os.getpid()}-{conn_max_age}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_CONN_MAX_AGE", "GRIDMGMT_ENV")}
    env.update(DJANGO_DEBUG="1", DATABASE_URL=database_url(), PGAPPNAME=app_name)
    if conn_max_age is not None:
        env["DJANGO_CONN_MAX_AGE"] = conn_max_age
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clients = []
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(CLIENTS)]

        def browse(client) -> list[int]:
            statuses = []
            for _ in range(REQUESTS_PER_CLIENT):
                client.request("GET", "/healthz")
                response = client.getresponse()
                response.read()
                statuses.append(response.status)
            return statuses

        with ThreadPoolExecutor(CLIENTS) as pool:
            assert all(statuses == [200] * REQUESTS_PER_CLIENT for statuses in pool.map(browse, clients))
        counts = [held_connections(app_name)]
        for _ in range(40):  # stable for three readings, 10 s at most
            time.sleep(0.25)
            counts.append(held_connections(app_name))
            if counts[-3:] == [counts[-1]] * 3 and len(counts) >= 3:
                break
        return counts[-1]
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_development_server_holds_no_connection_for_idle_keep_alive_clients():
    assert held_after_keep_alive_clients(conn_max_age=None) == 0


@pytest.mark.django_db
def test_kept_connections_pile_up_so_the_check_above_can_fail():
    """The old default (60 s): each open browser connection's thread keeps its database connection (case S7)."""
    # One per open browser connection, plus the one runserver's start-up checks may have kept.
    assert held_after_keep_alive_clients(conn_max_age="60") in (CLIENTS, CLIENTS + 1)
