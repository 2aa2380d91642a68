"""Benchmark of report intake: HTTP POSTs through gunicorn, then the bulk CSV path.

Usage: ``.venv/bin/python bench/intake.py [--requests 3000] [--concurrency 8] [--bulk-rows 100000]
[--workers 2] [--threads 4]``

How it measures:

* Prepares its own database (``gridmgmt_bench`` on the project cluster, or
  ``BENCH_DATABASE_URL``): 16 square communities, one grid each, routing
  rules and an API key; stored reports and cases are truncated first.
* Starts gunicorn on 127.0.0.1 (a free port) with production settings
  (``DJANGO_DEBUG=0``, persistent connections): ``--workers`` processes,
  sync by default (``--threads`` > 1: the ``gthread`` class, which keeps
  client connections alive). Four sync processes on two cores (gunicorn
  advises 2-4 per core) beat two processes of four threads here: the
  threads of one process share a GIL. Sync workers belong behind a
  buffering proxy (nginx) in production, as gunicorn's docs say.
* HTTP: ``--concurrency`` client *processes* (threads of one process would
  share a GIL and throttle the load on a 2-core box), each with one
  connection (kept alive when the server allows) sending
  ``--requests / --concurrency`` JSON POSTs to
  ``/api/events/`` (API key, a unique idempotency key each, a random point in
  the communities). Bounded by count and ``--time-limit``. After a warm-up
  of 100 requests, reports/s = 201 answers / wall time of the run; p50 and
  p99 are of the 201 answers' client-side latencies; anything else (status or
  connection error) is a failure.
* Bulk: ``events_import_csv`` of ``--bulk-rows`` generated hotline rows in
  one call (CSV checks, chunks of column arrays located, routed and inserted
  with their cases over ``EVENTS_IMPORT_WORKERS`` connections with
  two-phase commit), rows / wall time; ``--bulk-runs`` imports into the
  growing tables, each after a
  ``VACUUM (ANALYZE)`` and a ``CHECKPOINT`` so that the upkeep one run
  causes does not land in the next; the median meets the target or not.
* CPU per report: user+system CPU (``/proc/<pid>/stat``) of the gunicorn
  workers and of the bench database's PostgreSQL backends over the run, and
  the clients' own, divided by the requests sent. It depends less than
  reports/s on what else the machine runs (though on a shared host it still
  drifts: 2.6 to 3.6 ms of gunicorn CPU for the same code), so it also gives
  the ceiling the server could reach on idle cores.
* PostgreSQL alone (bench/pg_baseline.py), in the same run on the same
  tables: the rows of one HTTP report written by bare prepared INSERTs, one
  report per transaction, over as many connections as gunicorn has workers;
  and the last bulk import's rows COPY'd back over as many connections as
  the import used. Each application figure is printed with its share of
  that ceiling, and each target with the share of the ceiling it asks for.
* Prints each figure next to its target, and the machine's load average:
  clients, server and PostgreSQL share the same cores, and anything else
  running there shows in the figures. Not a test.
"""

import argparse
import http.client
import io
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DB = os.environ.get("BENCH_DATABASE_URL",
                          f"postgis://gridmgmt@/gridmgmt_bench?host={REPO / '.pgdata' / 'run'}")
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
# gunicorn defaults of the run; see the docstring for why.
WORKERS, THREADS = 4, 1
# 16 communities of 0.005° squares (≈ 510 m × 555 m) from this corner, in Yuexiu.
ORIGIN_LNG, ORIGIN_LAT, STEP = 113.26, 23.12, 0.005


def ensure_database():
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db["HOST"] or db.get("OPTIONS", {}).get("host")
    admin = psycopg2.connect(dbname="postgres", user=db["USER"], host=host, port=db.get("PORT") or None)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    conn = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=host, port=db.get("PORT") or None)
    conn.autocommit = True
    conn.cursor().execute("CREATE EXTENSION IF NOT EXISTS postgis")
    conn.close()


def prepare() -> str:
    """Areas, grids, catalogue, rules and an API key; returns the raw key."""
    import django

    django.setup()
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    from gridmgmt.areas.models import Community, Department, District, Street
    from gridmgmt.events.api_keys import api_key_create
    from gridmgmt.events.models import RoutingRule, SmallClass
    from gridmgmt.grids.models import Grid, GridGeneration

    with connection.cursor() as cursor:  # reports and the cases made from them (protected FKs)
        cursor.execute("TRUNCATE events_event, cases_case CASCADE")
    outline = Polygon.from_bbox((ORIGIN_LNG, ORIGIN_LAT, ORIGIN_LNG + 4 * STEP, ORIGIN_LAT + 4 * STEP))
    district, _ = District.objects.get_or_create(code="440104", defaults={"name": "越秀区", "boundary": MultiPolygon(outline)})
    street, _ = Street.objects.get_or_create(code="440104001", defaults={"name": "洪桥街道", "district": district,
                                                                         "boundary": MultiPolygon(outline)})
    generation = GridGeneration.objects.first() or GridGeneration.objects.create(target_households=200, code_digits=2)
    rubbish = SmallClass.objects.get(code="1102")
    for i in range(16):
        x, y = ORIGIN_LNG + (i % 4) * STEP, ORIGIN_LAT + (i // 4) * STEP
        square = Polygon.from_bbox((x, y, x + STEP, y + STEP))
        community, _ = Community.objects.get_or_create(
            code=f"440104001{i + 1:03d}", defaults={"name": f"社区{i + 1}", "street": street,
                                                   "boundary": MultiPolygon(square)})
        Grid.objects.get_or_create(generation=generation, code=f"{community.code}01", defaults={
            "community": community, "sequence": 1, "polygon": square, "households": 200, "residents": 520,
            "area_m2": 2.8e5, "active": True})
        if i % 2:
            RoutingRule.objects.get_or_create(small_class=rubbish, level="community", area_code=community.code,
                                              defaults={"department": Department.objects.get(code="JDB")})
    _, raw_key = api_key_create(name="bench", channel="api")
    return raw_key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def random_point(rng) -> tuple[float, float]:
    return (ORIGIN_LAT + rng.random() * 4 * STEP, ORIGIN_LNG + rng.random() * 4 * STEP)


def client(port: int, key: str, seed: int, count: int, deadline: float, results):
    """One client connection (its own process): ``count`` POSTs or until ``deadline``."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # As a TLS-terminating proxy would say: production settings redirect plain HTTP.
    headers = {"Content-Type": "application/json", "X-Api-Key": key, "X-Forwarded-Proto": "https"}
    latencies, failures = [], []
    for n in range(count):
        if time.perf_counter() > deadline:
            break
        lat, lng = random_point(rng)
        body = json.dumps({"service_code": "1102", "lat": lat, "lng": lng, "description": "bench",
                           "idempotency_key": f"bench-{seed}-{n}"})
        start = time.perf_counter()
        try:
            conn.request("POST", "/api/events/", body, headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except OSError as exc:  # a refused or reset connection counts as a failure, not a crash
            conn.close()
            status = type(exc).__name__
        elapsed = time.perf_counter() - start
        (latencies if status == 201 else failures).append(elapsed if status == 201 else status)
    conn.close()
    results.put((latencies, failures, time.process_time()))


def drive(port: int, key: str, total: int, concurrency: int, time_limit_s: float, tag: str):
    """``concurrency`` client processes (not threads: their GIL would throttle the clients), ``total`` POSTs."""
    results = multiprocessing.Queue()
    deadline = time.perf_counter() + time_limit_s
    shares = [total // concurrency + (i < total % concurrency) for i in range(concurrency)]
    procs = [multiprocessing.Process(target=client, args=(port, key, f"{tag}{i}", share, deadline, results))
             for i, share in enumerate(shares)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    latencies, failures, client_cpu_s = [], [], 0.0
    for _ in procs:
        got_latencies, got_failures, cpu_s = results.get(timeout=time_limit_s + 30)
        latencies += got_latencies
        failures += got_failures
        client_cpu_s += cpu_s
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    return latencies, failures, elapsed, client_cpu_s


def cpu_seconds(pids) -> float:
    """User + system CPU time so far of these processes (Linux /proc); vanished ones count 0."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server_pid: int) -> tuple[list[int], list[int]]:
    """The gunicorn workers, and the PostgreSQL backends of the bench database (their persistent connections)."""
    workers = [int(p) for p in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        backends = [row[0] for row in cursor.fetchall()]
    connection.close()
    return workers, backends


def libpq_dsn() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    parts = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"],
             "host": db["HOST"] or db.get("OPTIONS", {}).get("host"), "port": db.get("PORT")}
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def last_event_id() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM events_event")
        return cursor.fetchone()[0]


def bench_bulk(rows: int, runs: int) -> list[float]:
    """reports/s of ``runs`` imports of ``rows`` new hotline rows each, every one from a settled database."""
    from django.db import connection

    from gridmgmt.events.importing import events_import_csv

    rates = []
    for run in range(runs):
        rng = random.Random(7 + run)
        buffer = io.StringIO()
        buffer.write("ticket_id,lat,lng,service_code,description\n")
        stamp = f"{time.time():.0f}-{run}"
        for i in range(rows):
            lat, lng = random_point(rng)
            buffer.write(f"H{stamp}-{i},{lat:.6f},{lng:.6f},1102,hotline ticket {i}\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            # The previous run's upkeep is done now, not during this run:
            # autovacuum would start on the rows it inserted, the checkpointer
            # on the pages it dirtied.
            cursor.execute("VACUUM (ANALYZE) events_event, cases_case, cases_caseevent, cases_casehistory")
            cursor.execute("CHECKPOINT")
        start = time.perf_counter()
        result = events_import_csv(text=buffer, channel="hotline")
        elapsed = time.perf_counter() - start
        assert result.created == rows, result
        rates.append(rows / elapsed)
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--bulk-rows", type=int, default=100_000)
    parser.add_argument("--bulk-runs", type=int, default=3, help="the median is compared with the target")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS, help="per worker; 1 = sync workers")
    args = parser.parse_args()
    ensure_database()
    key = prepare()
    from django.db import connections

    connections.close_all()  # the client processes are forked: they must not share the parent's socket
    port = free_port()
    worker = ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "gridmgmt.wsgi:application", "--workers", str(args.workers),
         *worker, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=REPO, env={**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
                       "DJANGO_CONN_MAX_AGE": "600"})
    load_before = os.getloadavg()[0]
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        drive(port, key, 100, args.concurrency, 20, "warm")  # imports, connections in every worker
        workers, backends = server_pids(server.pid)
        cpu_before = cpu_seconds(workers), cpu_seconds(backends)
        latencies, failures, elapsed, client_cpu_s = drive(port, key, args.requests, args.concurrency,
                                                          args.time_limit, "run")
        cpu_after = cpu_seconds(workers), cpu_seconds(backends)
    finally:
        server.terminate()
        server.wait(10)
    rate = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 100 else float("nan")
    done = len(latencies) + len(failures)
    app_ms, db_ms, client_ms = ((cpu_after[0] - cpu_before[0]) * 1000 / done,
                                (cpu_after[1] - cpu_before[1]) * 1000 / done, client_cpu_s * 1000 / done)
    from django.conf import settings

    from bench.pg_baseline import copy_rate, prepared_insert_rate, report_template

    dsn = libpq_dsn()
    template = report_template(dsn, last_event_id())
    connections.close_all()  # forked baseline processes must not share the parent's socket
    pg_insert_rate = prepared_insert_rate(dsn, template, max(len(latencies), 100), args.workers, args.time_limit)
    bulk_rates = bench_bulk(args.bulk_rows, args.bulk_runs)
    bulk_rate = statistics.median(bulk_rates)
    pg_copy_rate = copy_rate(dsn, args.bulk_rows, settings.EVENTS_IMPORT_WORKERS)
    from django.db import connection

    with connection.cursor() as cursor:  # settings that move every figure, printed with them
        cursor.execute("SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) "
                       "FROM pg_settings WHERE name IN ('fsync', 'shared_buffers', 'synchronous_commit', "
                       "'max_prepared_transactions')")
        server = cursor.fetchone()[0]
    kinds = ", ".join(f"{kind}: {n}" for kind, n in Counter(failures).items())
    print(f"HTTP: {len(latencies)} reports in {elapsed:.1f} s, {len(failures)} failed{f' ({kinds})' if kinds else ''}; "
          f"{args.concurrency} client processes, gunicorn {args.workers} workers × {args.threads} threads")
    print(f"bulk: {args.bulk_runs} imports of {args.bulk_rows} rows, reports/s "
          f"{', '.join(f'{rate:.0f}' for rate in bulk_rates)} (median below), {settings.EVENTS_IMPORT_WORKERS} "
          f"connections; {os.cpu_count()} CPUs, 1-min load average {load_before:.1f} before the "
          f"HTTP run, {os.getloadavg()[0]:.1f} now (other work on the machine skews every figure)")
    print(f"PostgreSQL: {server}")
    # CPU per report does not depend on what else the machine runs: it bounds what 2 idle cores could do.
    print(f"CPU per report: gunicorn {app_ms:.1f} ms + PostgreSQL {db_ms:.1f} ms + clients {client_ms:.1f} ms; "
          f"the server side alone could do at most {os.cpu_count() * 1000 / (app_ms + db_ms):.0f} reports/s "
          f"on {os.cpu_count()} idle cores, {os.cpu_count() * 1000 / (app_ms + db_ms + client_ms):.0f} with these clients")
    print(f"PostgreSQL alone, same rows ({sum(len(rows) for rows in template.values())} rows a report: "
          f"{', '.join(f'{len(rows)} {table}' for table, rows in template.items())}): prepared INSERT over "
          f"{args.workers} connections, one report per transaction; COPY of the last {args.bulk_rows} imported "
          f"reports over {settings.EVENTS_IMPORT_WORKERS} connections")
    print(f"{'measure':<26}{'figure':>12}{'target':>12}  met  {'PostgreSQL':>11}{'figure/PG':>11}{'target/PG':>11}")
    for name, value, target, ok, ceiling, target_value in [
        ("HTTP reports/s", rate, ">= 300", rate >= 300, pg_insert_rate, 300),
        ("HTTP p50 ms", p50, "-", None, None, None),
        ("HTTP p99 ms", p99, "< 100", p99 < 100, None, None),
        ("HTTP failures", len(failures), "0", not failures, None, None),
        ("bulk reports/s (median)", bulk_rate, ">= 20000", bulk_rate >= 20000, pg_copy_rate, 20000),
    ]:
        shares = (f"{ceiling:>11.0f}{value / ceiling:>11.1%}{target_value / ceiling:>11.1%}" if ceiling else "")
        print(f"{name:<26}{value:>12.1f}{target:>12}  {'-' if ok is None else 'yes' if ok else 'NO':<3}  {shares}")


if __name__ == "__main__":
    main()
