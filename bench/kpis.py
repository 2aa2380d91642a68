"""Benchmark of the KPI tables (综合评价) on a year of cases.

Usage: ``.venv/bin/python bench/kpis.py [--cases 100000] [--repeat 3]``

Prepares its own database (``gridmgmt_bench_kpis`` on the project cluster,
or ``BENCH_KPIS_DATABASE_URL``), migrates it, and fills ``cases_case`` with a
year (2025) of cases in one INSERT … SELECT over ``generate_series`` (18
streets × 12 communities × 8 grids, 30 departments; 90 % opened, 85 % of
those dispatched, 80 % of dispatched closed, a fifth of them late, 8 %
reworked). Then times the KPI table of the whole district per dimension and
prints the best of ``--repeat`` runs against the 1 s target. Not a test.
"""

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SOCKET_DIR = REPO / ".pgdata" / "run"
BENCH_DB = os.environ.get("BENCH_KPIS_DATABASE_URL", f"postgis://gridmgmt@/gridmgmt_bench_kpis?host={SOCKET_DIR}")
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
TARGET_S = 1.0

FILL_SQL = """
WITH g AS (
  SELECT n,
         timestamptz '2025-01-01 00:00+08' + random() * interval '365 days' AS received,
         random() AS r_open, random() AS r_dispatch, random() AS r_close, random() AS r_late, random() AS r_rework,
         1 + (random() * 17)::int AS street, 1 + (random() * 11)::int AS community, 1 + (random() * 7)::int AS grid,
         (random() * 29)::int AS dept,
         interval '1 hour' * (2 + random() * 100) AS limit_span
  FROM generate_series(1, %(n)s) AS n
), t AS (
  SELECT *, '440104' || lpad(street::text, 3, '0') AS street_code,
         r_open < 0.9 AS opened, r_open < 0.9 AND r_dispatch < 0.85 AS dispatched,
         r_open < 0.9 AND r_dispatch < 0.85 AND r_close < 0.8 AS closed
  FROM g
)
INSERT INTO cases_case (small_class_id, status, version, location, description, grid_id, grid_code,
  community_code, street_code, suggested_department_id, department_id, handler_id, verifier_id,
  merged_into_id, status_before_suspension, received_at, opened_at, dispatched_at, deadline, suspended_at,
  closed_at, rework_count, handling_working_hours, warned_at, overdue_at)
SELECT %(small_class)s,
       CASE WHEN closed THEN 'closed' WHEN dispatched THEN 'accepted' WHEN opened THEN 'opened' ELSE 'cancelled' END,
       1, ST_SetSRID(ST_MakePoint(113.26 + random() * 0.04, 23.11 + random() * 0.04), 4326), '', NULL,
       street_code || lpad(community::text, 3, '0') || lpad(grid::text, 2, '0'),
       street_code || lpad(community::text, 3, '0'), street_code,
       %(dept0)s + dept, CASE WHEN dispatched THEN %(dept0)s + dept END, NULL, NULL, NULL, '',
       received,
       CASE WHEN opened THEN received + interval '20 minutes' END,
       CASE WHEN dispatched THEN received + interval '40 minutes' END,
       CASE WHEN dispatched THEN received + interval '40 minutes' + limit_span END,
       NULL,
       CASE WHEN closed THEN received + interval '40 minutes' + limit_span * (CASE WHEN r_late < 0.2 THEN 1.3 ELSE 0.7 END) END,
       CASE WHEN closed AND r_rework < 0.08 THEN 1 ELSE 0 END,
       CASE WHEN closed THEN extract(epoch FROM limit_span) / 3600 * 0.3 END,
       NULL, NULL
FROM t
"""


def ensure_database() -> None:
    """Creates the benchmark database with PostGIS if missing (the cluster's own socket, as settings)."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(BENCH_DB)
    where = {"user": config["USER"], "host": config["HOST"] or config["OPTIONS"].get("host"),
             "port": config["PORT"] or None}
    for dbname, sql in (("postgres", f'CREATE DATABASE "{config["NAME"]}"'),
                        (config["NAME"], "CREATE EXTENSION IF NOT EXISTS postgis")):
        connection = psycopg2.connect(dbname=dbname, **where)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if dbname != "postgres" or not cursor.fetchone():
                cursor.execute(sql)
        connection.close()


def add_grid_workers(grid_codes: list[str]) -> None:
    """One grid worker per grid, so the per-worker table has its real size."""
    from django.contrib.auth import get_user_model

    from gridmgmt.accounts.models import Role, RoleAssignment

    users = get_user_model().objects
    users.bulk_create([users.model(username=f"bench-worker-{code}") for code in grid_codes], ignore_conflicts=True)
    by_name = dict(users.filter(username__startswith="bench-worker-").values_list("username", "id"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=by_name[f"bench-worker-{code}"], role=Role.GRID_WORKER, grid_code=code)
         for code in grid_codes], ignore_conflicts=True)


def fill(n: int) -> float:
    from django.db import connection, transaction

    from gridmgmt.areas.models import Department
    from gridmgmt.events.models import BigClass, SmallClass

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_notification, cases_caseattachment, cases_casehistory, cases_caseevent,"
                       " cases_postponement, cases_case RESTART IDENTITY CASCADE")
        departments = [Department.objects.get_or_create(code=f"BENCH{i:02d}", defaults={"name": f"部门{i}"})[0]
                       for i in range(30)]
        big, _ = BigClass.objects.get_or_create(code="11", defaults={"kind": "event", "name": "市容环境"})
        small, _ = SmallClass.objects.get_or_create(code="1101", defaults={
            "big_class": big, "name": "暴露垃圾", "time_limit_value": 4, "time_limit_unit": "working_hours"})
        cursor.execute(FILL_SQL, {"n": n, "small_class": small.pk, "dept0": departments[0].pk})
        cursor.execute("SELECT DISTINCT grid_code FROM cases_case ORDER BY 1")
        add_grid_workers([code for (code,) in cursor.fetchall()])
        cursor.execute("ANALYZE cases_case")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from gridmgmt.cases.kpis import DIMENSIONS, kpi_table

    call_command("migrate", verbosity=0)
    print(f"filled {args.cases:,} cases in {fill(args.cases):.1f} s")
    leader, _ = get_user_model().objects.get_or_create(username="bench-leader", defaults={"is_superuser": True})
    tz = ZoneInfo("Asia/Shanghai")
    start, end = datetime(2025, 1, 1, tzinfo=tz), datetime(2026, 1, 1, tzinfo=tz)
    print(f"{'dimension':<12} {'rows':>6} {'best s':>8}  target < {TARGET_S} s")
    for dimension in DIMENSIONS:
        timings = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            rows = kpi_table(user=leader, dimension=dimension, start=start, end=end)
            timings.append(time.perf_counter() - began)
        best = min(timings)
        print(f"{dimension:<12} {len(rows):>6} {best:>8.3f}  {'ok' if best < TARGET_S else 'SLOW'}")


if __name__ == "__main__":
    main()
