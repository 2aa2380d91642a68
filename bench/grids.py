"""Benchmark: grids for all of Yuexiu, ours against HOT's fmtm-splitter, side by side.

Usage: ``.venv/bin/python bench/grids.py [--skip-fmtm]``

Loads the demo district into its own database (``gridmgmt_bench_grids`` on
the project cluster, or ``BENCH_DATABASE_URL``), then

1. generates grids for all 222 communities with gridmgmt (target 200
   households) and measures wall and CPU time (CPU time of this process is
   the one-core figure; the database work is a few bulk queries);
2. runs fmtm-splitter's ``split_by_sql`` (its default FMTM algorithm) over
   the same district and buildings, with the building count per task that
   matches 200 households at the district's mean households per building;
3. prints time, household balance and containment violations of both.

A containment violation is a grid or task that reaches into more than one
community (beyond 1 m² in a second one): such a grid has no single
community, street or grid worker. Targets: gridmgmt under 10 s on one core,
better balance than fmtm-splitter, zero containment violations. Not a test.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"postgis://gridmgmt@/gridmgmt_bench_grids?host={REPO / '.pgdata' / 'run'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
TARGET_HOUSEHOLDS = 200
FOOTPRINT_HALF_SIDE_M = 6.0  # fmtm-splitter reads buildings as polygons: demo points become 12 m squares


def database_url() -> str:
    return os.environ["DATABASE_URL"].replace("postgis://", "postgresql://", 1)


def ensure_database() -> None:
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    options = dict(user=db["USER"], host=db["HOST"], port=db.get("PORT") or None, password=db.get("PASSWORD"))
    admin = psycopg2.connect(dbname="postgres", **options)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()


def prepare() -> None:
    import django

    ensure_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-grids", stdout=open(os.devnull, "w"))


def household_row(values: list[int]) -> dict:
    from spatial.grid_quality import household_stats

    stats = household_stats(values)
    stats["over_cap"] = sum(v > TARGET_HOUSEHOLDS for v in values)
    return stats


def community_layer():
    """Community polygons (WGS84, shapely) and an STRtree over them."""
    import shapely

    from gridmgmt.areas.models import Community

    communities = list(Community.objects.order_by("code"))
    polygons = [shapely.from_wkb(bytes(c.boundary.wkb)) for c in communities]
    return communities, polygons, shapely.STRtree(polygons)


def containment_violations(cells, community_polygons, tree) -> int:
    """Cells reaching more than 1 m² into a second community (areas on the geography)."""
    from spatial.projection import local_metric

    violations = 0
    for cell in cells:
        to_metric, _ = local_metric(cell)
        hits = [i for i in tree.query(cell, predicate="intersects")
                if to_metric(cell.intersection(community_polygons[i])).area > 1.0]
        violations += len(hits) > 1
    return violations


def run_gridmgmt() -> dict:
    import shapely

    from gridmgmt.areas.models import Community
    from gridmgmt.grids.services import grids_generate

    wall, cpu = time.perf_counter(), time.process_time()
    report = grids_generate(communities=Community.objects.order_by("code"), target_households=TARGET_HOUSEHOLDS,
                            code_digits=2, note="bench")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    grids = list(report.generation.grids.all())
    _, polygons, tree = community_layer()
    cells = [shapely.from_wkb(bytes(g.polygon.wkb)) for g in grids]
    return {"name": "gridmgmt", "wall_s": wall, "cpu_s": cpu, "cells": len(grids),
            "households": household_row([g.households for g in grids]),
            "containment": containment_violations(cells, polygons, tree)}


def building_points():
    from gridmgmt.areas.models import Building

    return list(Building.objects.filter(source="demo").values_list("location", "households"))


def run_fmtm() -> dict:
    import shapely
    from fmtm_splitter.splitter import split_by_sql
    from geojson import Feature, FeatureCollection
    from shapely.geometry import box, mapping

    from gridmgmt.areas.models import District
    from spatial.projection import local_metric

    buildings = building_points()
    households = [h for _, h in buildings]
    per_task = max(1, round(TARGET_HOUSEHOLDS * len(households) / sum(households)))
    district = shapely.from_wkb(bytes(District.objects.get(code="440104").boundary.wkb))
    to_metric, to_wgs84 = local_metric(district)
    points = [shapely.Point(p.x, p.y) for p, _ in buildings]
    footprints = []
    for index, point in enumerate(points):
        centre = to_metric(point)
        square = box(centre.x - FOOTPRINT_HALF_SIDE_M, centre.y - FOOTPRINT_HALF_SIDE_M,
                     centre.x + FOOTPRINT_HALF_SIDE_M, centre.y + FOOTPRINT_HALF_SIDE_M)
        footprints.append(Feature(geometry=mapping(to_wgs84(square)),
                                  properties={"osm_id": index + 1, "tags": {"building": "yes"}}))
    aoi = FeatureCollection([Feature(geometry=mapping(district), properties={})])
    wall, cpu = time.perf_counter(), time.process_time()
    tasks = split_by_sql(aoi, database_url(), num_buildings=per_task, osm_extract=FeatureCollection(footprints))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    cells = [shapely.geometry.shape(f["geometry"]) for f in tasks["features"]]
    tree = shapely.STRtree(cells)
    per_cell = [0] * len(cells)
    for point, hh in zip(points, households):
        hits = tree.query(point, predicate="intersects")
        if len(hits):
            per_cell[int(min(hits))] += hh
    _, polygons, community_tree = community_layer()
    return {"name": f"fmtm-splitter ({per_task} buildings/task)", "wall_s": wall, "cpu_s": cpu,
            "cells": len(cells), "households": household_row(per_cell),
            "containment": containment_violations(cells, polygons, community_tree)}


def print_table(rows: list[dict]) -> None:
    header = f"{'':32}" + "".join(f"{r['name']:>34}" for r in rows)
    print(header)
    lines = [
        ("time, wall (s)", lambda r: f"{r['wall_s']:.2f}"),
        ("time, CPU of this process (s)", lambda r: f"{r['cpu_s']:.2f}"),
        ("grids / tasks", lambda r: f"{r['cells']}"),
        ("households min / median / max", lambda r: "{min:.0f} / {median:.0f} / {max:.0f}".format(**r["households"])),
        ("households CV", lambda r: f"{r['households']['cv']:.3f}"),
        (f"cells above {TARGET_HOUSEHOLDS} households", lambda r: f"{r['households']['over_cap']}"),
        ("containment violations", lambda r: f"{r['containment']}"),
    ]
    for label, cell in lines:
        print(f"{label:32}" + "".join(f"{cell(r):>34}" for r in rows))
    ours = rows[0]
    print(f"\ntarget: all of Yuexiu < 10 s on one core -> CPU {ours['cpu_s']:.2f} s, wall {ours['wall_s']:.2f} s")
    if len(rows) > 1:
        theirs = rows[1]
        print(f"balance (CV) ratio fmtm/gridmgmt: {theirs['households']['cv'] / ours['households']['cv']:.2f}x; "
              f"containment violations: gridmgmt {ours['containment']}, fmtm-splitter {theirs['containment']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-fmtm", action="store_true")
    args = parser.parse_args()
    prepare()
    rows = [run_gridmgmt()]
    if not args.skip_fmtm:
        rows.append(run_fmtm())
    print_table(rows)


if __name__ == "__main__":
    main()
