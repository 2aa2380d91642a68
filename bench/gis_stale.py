"""Benchmark of the GIS editor's list of communities whose grids follow an old boundary.

Usage: ``.venv/bin/python bench/gis_stale.py [--moved 20] [--repeat 5]``

Prepares its own database (Django's test database ``bench_gis``, kept between
runs) and loads the Yuexiu demo with its grids once. Then times, as the
median of ``--repeat`` runs:

- ``communities_with_stale_grids()`` on the demo as loaded (no community
  stale: the grids are cut from the boundaries);
- the same after ``--moved`` community boundaries are shifted by 0.0005°
  (≈ 50 m), so those communities are stale (inside a transaction rolled back
  at the end, so the database stays as loaded);
- the same limited to two communities (what a boundary save asks);
- ``GET /gis/`` as the gis user (the page runs the selector once), beside
  ``GET /gis/import/`` (a page of the same app without it) as the baseline.

Prints the figures, the ratio of the editor page to the baseline page and
the load average (other engineers share the machine). Not a test.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
os.environ.setdefault("GRIDMGMT_TEST_DB", "bench_gis")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402


def prepare():
    """The benchmark database, migrated, with the demo and its grids loaded once; returns a gis user."""
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
    from gridmgmt.accounts.models import Role, RoleAssignment
    from gridmgmt.grids.models import Grid

    if not Grid.objects.filter(active=True).exists():
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    user, _ = get_user_model().objects.get_or_create(username="bench_gis")
    RoleAssignment.objects.get_or_create(user=user, role=Role.GIS_EDITOR)
    return user


def median_s(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moved", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    user = prepare()
    from gridmgmt.areas.models import Community
    from gridmgmt.gis.selectors import communities_with_stale_grids
    from gridmgmt.grids.models import Grid

    communities = Community.objects.filter(grids__active=True).distinct().count()
    print(f"database ready in {time.perf_counter() - started:.0f} s: {communities} communities with "
          f"{Grid.objects.filter(active=True).count()} active grids")
    client = Client()
    client.force_login(user)
    fresh = median_s(communities_with_stale_grids, args.repeat)
    print(f"stale list, demo as loaded: {fresh * 1000:.0f} ms, {len(communities_with_stale_grids())} stale")
    with transaction.atomic():
        codes = list(Community.objects.filter(grids__active=True).distinct().order_by("code")
                     .values_list("code", flat=True)[:args.moved])
        with connection.cursor() as cursor:
            cursor.execute("UPDATE areas_community SET boundary = ST_Multi(ST_Translate(boundary, 0.0005, 0))"
                           " WHERE code = ANY(%s)", [codes])
        moved = median_s(communities_with_stale_grids, args.repeat)
        print(f"stale list, {len(codes)} boundaries moved ≈ 50 m: {moved * 1000:.0f} ms, "
              f"{len(communities_with_stale_grids())} stale")
        two = median_s(lambda: communities_with_stale_grids(codes=codes[:2]), args.repeat)
        print(f"stale list of two communities (a boundary save): {two * 1000:.1f} ms")
        editor = median_s(lambda: client.get("/gis/"), args.repeat)
        baseline = median_s(lambda: client.get("/gis/import/"), args.repeat)
        print(f"GET /gis/ {editor * 1000:.0f} ms vs GET /gis/import/ {baseline * 1000:.0f} ms: "
              f"ratio {editor / baseline:.1f}")
        transaction.set_rollback(True)
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
