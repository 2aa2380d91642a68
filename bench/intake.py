"""Benchmark of report intake: HTTP POSTs through gunicorn, then the bulk CSV path.

Usage: ``.venv/bin/python bench/intake.py [--requests 3000] [--concurrency 8] [--bulk-rows 100000]``

Prepares its own database (``gridmgmt_bench`` on the project cluster, or
``BENCH_DATABASE_URL``) with 16 square communities, one grid each and routing
rules; starts gunicorn (2 workers, 127.0.0.1, a free port); drives POSTs
from client threads over keep-alive connections (bounded in count and time);
prints reports/s and p50/p99 latency next to the targets. Not a test.
"""

import argparse
import http.client
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DB = os.environ.get("BENCH_DATABASE_URL",
                          f"postgis://gridmgmt@/gridmgmt_bench?host={REPO / '.pgdata' / 'run'}")
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
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

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    from gridmgmt.areas.models import Community, Department, District, Street
    from gridmgmt.events.api_keys import api_key_create
    from gridmgmt.events.models import Event, RoutingRule, SmallClass
    from gridmgmt.grids.models import Grid, GridGeneration

    Event.objects.all().delete()
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


def drive(port: int, key: str, total: int, concurrency: int, time_limit_s: float):
    latencies, failures, lock = [], [], threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + time_limit_s

    def worker(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for n in counter:
            if time.perf_counter() > deadline:
                break
            lat, lng = random_point(rng)
            body = json.dumps({"service_code": "1102", "lat": lat, "lng": lng, "description": "bench",
                               "idempotency_key": f"bench-{seed}-{n}"})
            start = time.perf_counter()
            conn.request("POST", "/api/events/", body, {"Content-Type": "application/json", "X-Api-Key": key})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if response.status == 201 else failures).append(elapsed if response.status == 201 else response.status)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures, time.perf_counter() - start


def bench_bulk(rows: int) -> float:
    from gridmgmt.events.importing import events_import_csv

    rng = random.Random(7)
    buffer = io.StringIO()
    buffer.write("ticket_id,lat,lng,service_code,description\n")
    stamp = int(time.time())
    for i in range(rows):
        lat, lng = random_point(rng)
        buffer.write(f"H{stamp}-{i},{lat:.6f},{lng:.6f},1102,hotline ticket {i}\n")
    buffer.seek(0)
    start = time.perf_counter()
    result = events_import_csv(text=buffer, channel="hotline")
    elapsed = time.perf_counter() - start
    assert result.created == rows, result
    return rows / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--bulk-rows", type=int, default=100_000)
    args = parser.parse_args()
    ensure_database()
    key = prepare()
    port = free_port()
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "gridmgmt.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=REPO, env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_CONN_MAX_AGE": "600"})
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        drive(port, key, 50, 2, 10)  # warm-up: imports, connections
        latencies, failures, elapsed = drive(port, key, args.requests, args.concurrency, args.time_limit)
    finally:
        server.terminate()
        server.wait(10)
    rate = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 100 else float("nan")
    bulk_rate = bench_bulk(args.bulk_rows)
    print(f"HTTP: {len(latencies)} reports in {elapsed:.1f} s, {len(failures)} failed, concurrency {args.concurrency}")
    print(f"{'measure':<22}{'figure':>12}{'target':>12}  ok")
    for name, value, target, ok in [
        ("HTTP reports/s", rate, ">= 300", rate >= 300),
        ("HTTP p50 ms", p50, "-", True),
        ("HTTP p99 ms", p99, "< 100", p99 < 100),
        ("bulk reports/s", bulk_rate, ">= 20000", bulk_rate >= 20000),
    ]:
        print(f"{name:<22}{value:>12.1f}{target:>12}  {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
