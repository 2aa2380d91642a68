"""Benchmark of medical coverage for all of Yuexiu: every grid's share of households within a 15-minute walk.

Usage: ``.venv/bin/python bench/medical_coverage.py [--repeat 3]``

Uses its own database (``gridmgmt_bench_coverage`` on the project cluster,
or ``BENCH_COVERAGE_DATABASE_URL``), loading the Yuexiu demo into it when it
has no active grids (``load_demo``: the synthetic road lattice and health
centres of :mod:`gridmgmt.duties.demo`, the demo's buildings). Times
:func:`gridmgmt.duties.coverage.coverage_compute` (read roads, facilities
and buildings, build the network, multi-source Dijkstra, store every grid)
and prints the best of ``--repeat`` runs with the sizes. Not a test.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
BENCH_DB = os.environ.get("BENCH_COVERAGE_DATABASE_URL",
                          f"postgis://gridmgmt@/gridmgmt_bench_coverage?host={REPO / '.pgdata' / 'run'}")
from sensors import create_database  # noqa: E402  (bench/sensors.py: the same database bootstrap)

os.environ["DATABASE_URL"] = BENCH_DB  # after that import, which sets its own
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    create_database(BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    from gridmgmt.areas.models import Building, HealthFacility, Road
    from gridmgmt.duties.coverage import CARE_KINDS, coverage_compute, worst_served
    from gridmgmt.grids.models import Grid

    call_command("migrate", verbosity=0)
    if not Grid.objects.active().exists():
        began = time.perf_counter()
        call_command("load_demo", stdout=open(os.devnull, "w"))
        print(f"loaded the Yuexiu demo in {time.perf_counter() - began:.0f} s")
    timings, summary = [], None
    for _ in range(args.repeat):
        began = time.perf_counter()
        summary = coverage_compute()
        timings.append(time.perf_counter() - began)
    print(f"{Grid.objects.active().count():,} grids, {Building.objects.count():,} buildings, "
          f"{summary.households:,} households, {Road.objects.count():,} road segments, "
          f"{HealthFacility.objects.filter(kind__in=CARE_KINDS).count()} care facilities "
          f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})")
    print(f"coverage of all Yuexiu: best {min(timings):.2f} s, median {sorted(timings)[len(timings) // 2]:.2f} s "
          f"over {args.repeat} runs; {summary.households_within:,} households within 15 min ({summary.share:.1%})")
    for row in worst_served(5):
        print(f"  worst served: {row.grid_code} {row.share:.0%} of {row.households} households")


if __name__ == "__main__":
    main()
