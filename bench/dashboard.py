"""Benchmark of the dashboard's network and server cost: first load and a refresh that changes nothing.

Usage: ``.venv/bin/python bench/dashboard.py [--copies 10] [--repeat 3]``

Prepares its own database (Django's test database ``bench_dashboard`` on the
project cluster, kept between runs), loads the Yuexiu demo once (about 2,100
grids), then, as the district leader, through Django's test client (no
network, the full middleware stack, so a request's time is the server's):

- first load: what a desktop browser fetches on opening ``/dashboard/`` with
  a ``MAP_PX`` map: the page, the district and street outlines (map.js), the
  open-cases vector tiles covering the view at the zoom that fits the
  district (dashboard.js frames it the same way), the open-cases summary, the
  report hexagons and the area labels of that view, with
  ``Accept-Encoding: gzip`` as browsers send it; bytes are body + headers;
- unchanged refresh: what dashboard.js polls every 30 s (the summary and the
  hexagons) asked again with the ``If-None-Match`` the first answers gave, as
  the browser's cache does; an unchanged summary means no tile is asked for;
- server time per refresh: the median time of those polled requests, and,
  for comparison, the GeoJSON layer of every grid (``open-cases-by-grid``,
  kept for API clients) built (200) and answered unchanged (304).
- the water and environment views' polled layers (``/api/maps/water/``,
  ``/api/maps/sensors/``) on the duties demo, built against unchanged
  (``--duties``: only these).

Then the grids are replicated ``--copies`` times side by side (≥ 20,000
grids) and measured again, once fitted to all copies and once at zoom 13 on
the district (every grid outlined). Prints bytes and times against the
targets (≤ 300 KB first load at Yuexiu scale, ≤ 20 KB per unchanged refresh),
the ratios, and the load average (other engineers share the machine). Static
files (Leaflet, VectorGrid, JS, CSS) are cached by the browser and served by
WhiteNoise; they are listed apart. Not a test.
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
MAP_PX = (1040, 700)  # the dashboard's map at 1440×900 (the side panel takes the rest)
STATIC = ["vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
          "vendor/leaflet-vectorgrid/Leaflet.VectorGrid.bundled.min.js", "js/dashboard.js", "js/map.js",
          "js/map_zoom_layers.js", "js/api.js", "css/app.css", "css/console.css"]


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


def first_load_urls(bbox: tuple[float, float, float, float], zoom: int | None = None) -> tuple[list[str], int]:
    """The requests of opening the dashboard with the view fitted to ``bbox`` (or at ``zoom`` on its centre)."""
    from spatial.web_tiles import fit_zoom, tiles_in_view, view_bounds

    zoom = fit_zoom(bbox, *MAP_PX, padding_px=12) if zoom is None else zoom
    center = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    view = ",".join(f"{v:.6f}" for v in view_bounds(center, zoom, *MAP_PX))
    tiles = [f"/api/maps/open-cases-tiles/?z={z}&x={x}&y={y}" for z, x, y in tiles_in_view(center, zoom, *MAP_PX)]
    return ["/dashboard/", "/map/district.geojson", "/api/streets/", *tiles, "/api/maps/open-cases-summary/",
            f"/api/maps/report-hexbins/?zoom={zoom}&in_bbox={view}", f"/api/maps/labels/?zoom={zoom}&in_bbox={view}"], zoom


def timed_get(client, url: str, **headers):
    start = time.perf_counter()
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip", **headers)
    return response, time.perf_counter() - start


def measure(client, urls: list[str], repeat: int) -> dict:
    polled = [u for u in urls if u.startswith(("/api/maps/open-cases-summary/", "/api/maps/report-hexbins/"))]
    firsts, refreshes, per_request, sizes, etags = [], [], [], {}, {}
    for _ in range(repeat):
        client.get("/api/maps/open-cases-summary/")  # warm the session and the plans, as an open page has
        elapsed = total = 0
        for url in urls:
            response, seconds = timed_get(client, url)
            assert response.status_code == 200, (url, response.status_code)
            sizes[url], etags[url] = wire_bytes(response), response.get("ETag")
            total += sizes[url]
            elapsed += seconds
        firsts.append((elapsed, total))
        elapsed = moved = 0
        for url in polled:
            response, seconds = timed_get(client, url, HTTP_IF_NONE_MATCH=etags[url] or "")
            assert response.status_code == 304, (url, response.status_code)
            moved += wire_bytes(response)
            elapsed += seconds
            per_request.append(seconds)
        refreshes.append((elapsed, moved))
    return {"first_s": statistics.median(t for t, _ in firsts), "first_bytes": firsts[-1][1], "sizes": sizes,
            "refresh_s": statistics.median(t for t, _ in refreshes), "refresh_bytes": refreshes[-1][1],
            "per_request_s": statistics.median(per_request), "polled": len(polled)}


def geojson_layer(client, repeat: int, url: str = "/api/maps/open-cases-by-grid/") -> dict:
    """A layer (default: the GeoJSON of every grid, for API clients): bytes and time built, and answered unchanged."""
    built, unchanged = [], []
    for _ in range(repeat):
        response, seconds = timed_get(client, url)
        built.append(seconds)
        again, seconds = timed_get(client, url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        unchanged.append(seconds)
    return {"bytes": wire_bytes(response), "built_s": statistics.median(built),
            "unchanged_s": statistics.median(unchanged), "unchanged_bytes": wire_bytes(again)}


def report(label: str, grids: int, zoom: int, figures: dict, layer: dict | None = None) -> None:
    print(f"\n{label}: {grids:,} active grids, view {MAP_PX[0]}×{MAP_PX[1]} px at zoom {zoom}"
          f"   (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
    tiles = {u: b for u, b in figures["sizes"].items() if "open-cases-tiles" in u}
    for url, size in figures["sizes"].items():
        if url not in tiles:
            print(f"  {size:>10,} B  {url[:100]}")
    if tiles:
        print(f"  {sum(tiles.values()):>10,} B  {len(tiles)} open-case tiles (largest {max(tiles.values()):,} B)")
    first, refresh = figures["first_bytes"], figures["refresh_bytes"]
    print(f"  first load              {first:>9,} B  {figures['first_s'] * 1000:7.0f} ms   target {FIRST_LOAD_TARGET:>7,} B"
          f"   ratio {first / FIRST_LOAD_TARGET:.3f}")
    print(f"  unchanged refresh       {refresh:>9,} B  {figures['refresh_s'] * 1000:7.1f} ms   target {REFRESH_TARGET:>7,} B"
          f"   ratio {refresh / REFRESH_TARGET:.3f}   ({figures['polled']} requests, all 304; "
          f"{first / max(refresh, 1):,.0f}× less than the first load)")
    print(f"  server time per refresh {figures['refresh_s'] * 1000:9.1f} ms  "
          f"(median {figures['per_request_s'] * 1000:.1f} ms per polled request)")
    if layer:
        print(f"  GeoJSON layer of every grid (API): {layer['bytes']:,} B gzipped, built in {layer['built_s'] * 1000:.0f} ms;"
              f" unchanged: {layer['unchanged_bytes']:,} B in {layer['unchanged_s'] * 1000:.1f} ms"
              f" ({layer['built_s'] / max(layer['unchanged_s'], 1e-9):,.0f}× faster)")


def duty_layers(client, repeat: int) -> None:
    """The water and environment views' polled layers on the duties demo: built (200) against unchanged (304)."""
    from gridmgmt.duties.demo import duties_demo_load
    from gridmgmt.sensors.models import Sensor
    from gridmgmt.water.models import WaterBody

    if not WaterBody.objects.exists():
        duties_demo_load(stdout=open(os.devnull, "w"))
    print(f"\nwater and environment views: {WaterBody.objects.count()} water bodies, "
          f"{Sensor.objects.filter(active=True).count()} active sensors")
    for url in ("/api/maps/water/", "/api/maps/sensors/"):
        layer = geojson_layer(client, repeat, url)
        print(f"  {url:<20} built {layer['bytes']:>8,} B gzipped in {layer['built_s'] * 1000:6.1f} ms;"
              f" unchanged {layer['unchanged_bytes']:>5,} B in {layer['unchanged_s'] * 1000:6.1f} ms"
              f" ({layer['bytes'] / max(layer['unchanged_bytes'], 1):,.0f}× fewer bytes,"
              f" {layer['built_s'] / max(layer['unchanged_s'], 1e-9):.1f}× faster)")


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
    parser.add_argument("--duties", action="store_true", help="only the water and environment views' layers")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    user, bbox_text, width = prepare(args.copies)
    client = Client()
    client.force_login(user)
    from gridmgmt.grids.models import Grid

    if args.duties:
        duty_layers(client, args.repeat)
        return
    bbox = tuple(map(float, bbox_text.split(",")))
    urls, zoom = first_load_urls(bbox)
    report("Yuexiu", Grid.objects.filter(active=True).count(), zoom, measure(client, urls, args.repeat),
           geojson_layer(client, args.repeat))
    duty_layers(client, args.repeat)
    grids = replicate(args.copies, width)
    wide = (bbox[0], bbox[1], bbox[2] + (args.copies - 1) * width, bbox[3])
    urls, zoom = first_load_urls(wide)
    report(f"replicated ×{args.copies}, view fitted to all copies", grids, zoom, measure(client, urls, args.repeat),
           geojson_layer(client, args.repeat))
    urls, zoom = first_load_urls(bbox, zoom=13)
    report(f"replicated ×{args.copies}, zoom 13 on the district (every grid outlined)", grids, zoom,
           measure(client, urls, args.repeat))
    static_bytes()


if __name__ == "__main__":
    main()
