"""Benchmark of the dashboard's network cost: first load and a refresh that changes nothing.

Usage: ``.venv/bin/python bench/dashboard.py [--copies 10] [--repeat 3]``

Prepares its own database (Django's test database ``bench_dashboard`` on the
project cluster, kept between runs), loads the Yuexiu demo once (about 2,100
grids), then, as the district leader, through Django's test client (no
network, the full middleware stack):

- first load: the page and the layers dashboard.js fetches on opening (open
  cases per grid, which draws every grid's outline, and report hexagons at zoom 13), with
  ``Accept-Encoding: gzip`` as browsers send it; bytes are body + headers;
- unchanged refresh: the polled layers asked again with the ``If-None-Match``
  the first answers gave (what the browser's cache does every 30 s).

Then the grids are replicated ``--copies`` times side by side (≥ 20,000 grids)
and both are measured again. Prints bytes and times against the targets
(≤ 300 KB first load at Yuexiu scale, ≤ 20 KB per unchanged refresh) and the
ratios. Static files (Leaflet, JS, CSS) are cached by the browser and served
by WhiteNoise; they are listed apart. Not a test.
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
os.environ.setdefault("GRIDMGMT_TEST_DB", "bench_dashboard")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIRST_LOAD_TARGET = 300_000
REFRESH_TARGET = 20_000
STATIC = ["vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "js/dashboard.js", "js/map.js", "js/api.js",
          "css/app.css"]


def prepare(copies: int):
    """The benchmark database, migrated, with the demo loaded once; returns (leader, district bbox string)."""
    from django.core.management import call_command
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
    from gridmgmt.areas.models import District
    from gridmgmt.grids.models import Grid

    if not Grid.objects.filter(active=True).exists():
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    Grid.objects.filter(code__startswith="R").delete()  # copies of an earlier run
    min_lng, min_lat, max_lng, max_lat = District.objects.get().boundary.extent
    return leader(), f"{min_lng},{min_lat},{max_lng},{max_lat}", max_lng - min_lng


def leader():
    """A district leader (sees the whole district: no scope field to set)."""
    from django.contrib.auth import get_user_model

    from gridmgmt.accounts.models import Role, RoleAssignment

    user, _ = get_user_model().objects.get_or_create(username="bench-leader")
    RoleAssignment.objects.get_or_create(user=user, role=Role.DISTRICT_LEADER)
    return user


def replicate(copies: int, width: float) -> int:
    """``copies`` − 1 shifted copies of every active grid, east of the district; returns the total.

    A copy's code is the original's with its first two digits (44) replaced by R<k>: same length, unique.
    """
    from django.contrib.gis.geos import Polygon

    from gridmgmt.grids.models import Grid

    originals = list(Grid.objects.filter(active=True).exclude(code__startswith="R"))
    made = []
    for k in range(1, copies):
        for grid in originals:
            shifted = Polygon(*[[(x + k * width, y) for x, y in ring] for ring in grid.polygon], srid=4326)
            copy = Grid(**{f.attname: getattr(grid, f.attname) for f in Grid._meta.concrete_fields if not f.primary_key})
            copy.code, copy.polygon = f"R{k}{grid.code[2:]}", shifted
            made.append(copy)
    Grid.objects.bulk_create(made, batch_size=2000)
    return Grid.objects.filter(active=True).count()


def wire_bytes(response) -> int:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = sum(len(k) + len(v) + 4 for k, v in response.items()) + 17  # status line
    return len(body) + headers


def measure(client, bbox: str, repeat: int) -> dict:
    # What dashboard.js fetches in "dashboard" mode: the page, then its two layers (both polled).
    first_urls = ["/dashboard/", "/api/maps/open-cases-by-grid/", f"/api/maps/report-hexbins/?zoom=13&in_bbox={bbox}"]
    polled = first_urls[1:]
    firsts, refreshes, sizes, etags = [], [], {}, {}
    for _ in range(repeat):
        start = time.perf_counter()
        total = 0
        for url in first_urls:
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200, (url, response.status_code)
            sizes[url] = wire_bytes(response)
            total += sizes[url]
            etags[url] = response.get("ETag")
        firsts.append((time.perf_counter() - start, total))
        start = time.perf_counter()
        moved = 0
        for url in polled:
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etags[url] or "")
            moved += wire_bytes(response)
        refreshes.append((time.perf_counter() - start, moved, len(polled)))
    return {"first_s": statistics.median(t for t, _ in firsts), "first_bytes": firsts[-1][1], "sizes": sizes,
            "refresh_s": statistics.median(t for t, _, _ in refreshes), "refresh_bytes": refreshes[-1][1],
            "polled": len(polled)}


def report(label: str, grids: int, figures: dict) -> None:
    print(f"\n{label}: {grids:,} active grids")
    for url, size in figures["sizes"].items():
        print(f"  {size:>10,} B  {url[:90]}")
    first, refresh = figures["first_bytes"], figures["refresh_bytes"]
    print(f"  first load      {first:>10,} B  {figures['first_s'] * 1000:7.0f} ms   target {FIRST_LOAD_TARGET:,} B"
          f"  ratio {first / FIRST_LOAD_TARGET:.2f}")
    print(f"  unchanged refresh ({figures['polled']} layers) {refresh:>6,} B  {figures['refresh_s'] * 1000:5.0f} ms"
          f"   target {REFRESH_TARGET:,} B  ratio {refresh / REFRESH_TARGET:.3f}"
          f"   ({first / max(refresh, 1):,.0f}× less than the first load)")


def static_bytes() -> None:
    import gzip

    from django.contrib.staticfiles import finders

    print("\nstatic files (cached by the browser after the first visit; gzip as WhiteNoise serves them):")
    for name in STATIC:
        path = finders.find(name)
        raw = Path(path).read_bytes() if path else b""
        print(f"  {len(raw):>9,} B raw  {len(gzip.compress(raw)):>8,} B gzip  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="district copies for the large run (default 10)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    user, bbox, width = prepare(args.copies)
    client = Client()
    client.force_login(user)
    from gridmgmt.grids.models import Grid

    report("Yuexiu", Grid.objects.filter(active=True).count(), measure(client, bbox, args.repeat))
    grids = replicate(args.copies, width)
    min_lng, min_lat, max_lng, max_lat = map(float, bbox.split(","))
    wide = f"{min_lng},{min_lat},{max_lng + (args.copies - 1) * width},{max_lat}"
    report(f"replicated ×{args.copies} (view fitted to all copies)", grids, measure(client, wide, args.repeat))
    static_bytes()


if __name__ == "__main__":
    main()
