"""Synthetic duty data for the Yuexiu demo: roads, health facilities, water bodies, sensors with a week of readings.

Everything here is made up (seeded, so the same on every machine) and
says so in its names and in fixtures/yuexiu/README.md. It goes through the
same services as real data (sensor_create, readings_store,
water_observation_record, patrol_record), so events and cases it opens are
routed as real ones. Idempotent: a second load adds nothing.
"""

import random
import zlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, Point, Polygon
from django.db import transaction
from django.utils import timezone
from shapely import wkb
from shapely.geometry import Point as ShapelyPoint
from shapely.prepared import prep

from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import District, HealthFacility, Road, Street
from gridmgmt.events.models import Channel, SmallClass
from gridmgmt.events.services import event_create
from gridmgmt.duties.coverage import coverage_compute
from gridmgmt.grids.models import Grid
from gridmgmt.sensors.ingest import Reading, readings_store
from gridmgmt.sensors.models import Sensor
from gridmgmt.sensors.services import sensor_create
from gridmgmt.water.models import RiverChief, WaterBody
from gridmgmt.water.patrols import patrol_record
from gridmgmt.water.services import water_observation_record

SEED = 20261130
ROAD_SPACING_DEG = 0.0025  # ≈ 255 m east-west, 278 m north-south at 23.1° N
ROAD_ID_BASE = -1_000_000  # synthetic roads get negative ids: never an OSM way's
READING_EVERY = timedelta(minutes=15)
DEMO_DAYS = 7
# Traffic cases: near a road (≈ 11 m off it: snapped) or at a lattice cell's centre (≥ 128 m from every
# road: left out of the ranking); more on bigger roads, so the ranking has a shape.
TRAFFIC_NEAR, TRAFFIC_FAR = 40, 4
TRAFFIC_CLASSES = ("2201", "2201", "2202", "2203")  # 违法停车 twice as often as signal faults and congestion
ROAD_WEIGHT = {"primary": 6, "secondary": 3, "residential": 1}
TRAFFIC_OFFSET_DEG = 0.0001  # 11 m north-south, 10 m east-west


def duties_demo_load(*, stdout) -> None:
    """Load the synthetic duty layers into the demo district (needs the district and its grids)."""
    district = District.objects.first()
    if district is None or not Grid.objects.active().exists():
        stdout.write("duties demo: skipped (no district or no active grids)")
        return
    rng = random.Random(SEED)
    outline = wkb.loads(bytes(district.boundary.wkb))
    with transaction.atomic():
        roads = _roads(outline)
        facilities = _facilities(rng, outline)
        bodies = _water_bodies(rng, outline)
    new_sensors = _sensors(bodies)
    readings = _readings(rng, new_sensors) if new_sensors else 0
    observations, patrols = (_observations_and_patrols(bodies) if new_sensors else (0, 0))
    traffic = _traffic_cases(random.Random(SEED + 1), outline)
    summary = coverage_compute()
    stdout.write(f"duties demo (synthetic): {roads} roads, {facilities} health facilities, {len(bodies)} water "
                 f"bodies, {len(new_sensors)} new sensors with {readings:,} readings, {observations} water "
                 f"observations, {patrols} patrols, {traffic} new traffic cases; coverage {summary.share:.0%} of "
                 f"households within 15 min")


def _roads(outline) -> int:
    if Road.objects.filter(osm_id__lte=ROAD_ID_BASE).exists():
        return Road.objects.filter(osm_id__lte=ROAD_ID_BASE).count()
    inside = prep(outline)
    min_lng, min_lat, max_lng, max_lat = outline.bounds
    lngs = [min_lng + i * ROAD_SPACING_DEG for i in range(int((max_lng - min_lng) / ROAD_SPACING_DEG) + 2)]
    lats = [min_lat + j * ROAD_SPACING_DEG for j in range(int((max_lat - min_lat) / ROAD_SPACING_DEG) + 2)]
    rows = [("横", j, [(lng, lat) for lng in lngs]) for j, lat in enumerate(lats)]
    cols = [("纵", i, [(lng, lat) for lat in lats]) for i, lng in enumerate(lngs)]
    records, serial = [], 0
    for prefix, index, vertices in rows + cols:
        run: list = []
        for vertex in vertices + [None]:  # runs of lattice points inside the district share every crossing
            if vertex is not None and inside.contains(ShapelyPoint(vertex)):
                run.append(vertex)
                continue
            if len(run) >= 2:
                serial += 1
                highway = "primary" if index % 6 == 0 else "secondary" if index % 3 == 0 else "residential"
                records.append(Road(osm_id=ROAD_ID_BASE - serial, name=f"示例{prefix}{index}路（合成）",
                                    highway=highway, geometry=LineString(run, srid=4326)))
            run = []
    Road.objects.bulk_create(records)
    return len(records)


def _facilities(rng, outline) -> int:
    if HealthFacility.objects.filter(osm_type="demo").exists():
        return HealthFacility.objects.filter(osm_type="demo").count()
    rows = []
    for n, street in enumerate(Street.objects.order_by("code")):
        if n % 4 == 3:  # a quarter of the streets lack a centre, so coverage has gaps to show
            continue
        point = street.boundary.point_on_surface
        rows.append(HealthFacility(osm_type="demo", osm_id=-(n + 1), kind="clinic", location=point,
                                   name=f"{street.name}社区卫生服务中心（合成）"))
    for n in range(3):
        rows.append(HealthFacility(osm_type="demo", osm_id=-(100 + n), kind="hospital",
                                   location=Point(*_random_inside(rng, outline), srid=4326),
                                   name=f"示例医院{n + 1}（合成）"))
    HealthFacility.objects.bulk_create(rows)
    return len(rows)


def _random_inside(rng, outline) -> tuple[float, float]:
    min_lng, min_lat, max_lng, max_lat = outline.bounds
    while True:
        lng, lat = rng.uniform(min_lng, max_lng), rng.uniform(min_lat, max_lat)
        if outline.contains(ShapelyPoint(lng, lat)):
            return lng, lat


def _water_bodies(rng, outline) -> list[WaterBody]:
    worker_grid = _worker_grid()
    specs = []
    for n in range(3):  # canals across the district, their midpoint inside it (sensors stand there)
        a, b = _random_inside(rng, outline), _random_inside(rng, outline)
        while not outline.contains(ShapelyPoint((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)):
            b = _random_inside(rng, outline)
        specs.append((f"DEMO-W{n + 1}", f"示例河涌{n + 1}号（合成）", "canal", LineString([a, b], srid=4326)))
    for n in range(2):
        lng, lat = _random_inside(rng, outline)
        d = 0.0004
        specs.append((f"DEMO-P{n + 1}", f"示例水塘{n + 1}号（合成）", "pond",
                      Polygon.from_bbox((lng - d, lat - d / 2, lng + d, lat + d / 2))))
    if worker_grid is not None:  # a ditch through the demo worker's grid, so the phone has a body to patrol
        c = worker_grid.polygon.centroid
        specs.append(("DEMO-D1", "示例明渠1号（合成）", "ditch",
                      LineString([(c.x - 0.006, c.y - 0.001), (c.x + 0.006, c.y + 0.001)], srid=4326)))
    bodies = []
    for n, (code, name, kind, geometry) in enumerate(specs):
        body, created = WaterBody.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "geometry": geometry, "source": "demo",
            "warning_level": ["none", "yellow", "none", "red", "none", "none"][n % 6]})
        if created:
            street = Street.objects.filter(boundary__intersects=geometry).order_by("code").first()
            RiverChief.objects.create(water_body=body, level="district", name="区级河长（示例）")
            if street is not None:
                RiverChief.objects.create(water_body=body, level="street", name=f"{street.name}河长（示例）")
        bodies.append(body)
    return bodies


def _anchor(body: WaterBody) -> Point:
    """Where a body's sensors stand and it is sampled: a pond's centre, a line's midpoint (inside the district)."""
    if body.geometry.geom_type == "Polygon":
        return body.geometry.centroid
    return body.geometry.interpolate_normalized(0.5)


def _worker_grid():
    worker = get_user_model().objects.filter(username="worker").first()
    codes = [a.grid_code for a in worker.role_assignments.filter(role=Role.GRID_WORKER)] if worker else []
    return Grid.objects.active().filter(code__in=codes).first()


def _sensors(bodies: list[WaterBody]) -> list[Sensor]:
    """Sensors not yet present: per street PM2.5 and noise; water level and quality on the canals."""
    specs = []
    for n, street in enumerate(Street.objects.order_by("code")):
        p = street.boundary.point_on_surface
        specs.append(dict(code=f"demo-pm25-{street.code}", kind="pm25", location=Point(p.x + 0.0005, p.y, srid=4326),
                          name=f"{street.name}空气站（合成）"))
        specs.append(dict(code=f"demo-noise-{street.code}", kind="noise", noise_zone_class="4a" if n % 4 == 0 else "2",
                          location=Point(p.x - 0.0005, p.y, srid=4326), name=f"{street.name}噪声站（合成）"))
    for body in bodies:
        if body.kind != "canal":
            continue
        mid = _anchor(body)
        specs.append(dict(code=f"demo-level-{body.code.lower()}", kind="water_level", threshold=2.0,
                          location=Point(mid.x, mid.y, srid=4326), name=f"{body.name}水位（合成）"))
        specs.append(dict(code=f"demo-do-{body.code.lower()}", kind="dissolved_oxygen",
                          location=Point(mid.x + 0.0002, mid.y, srid=4326), name=f"{body.name}溶解氧（合成）"))
    existing = set(Sensor.objects.values_list("code", flat=True))
    return [sensor_create(**spec)[0] for spec in specs if spec["code"] not in existing]


def _value(rng, sensor: Sensor, step: int, local_hour: int) -> float:
    """A plausible reading: a daily rhythm, noise, and one seeded episode above the limit per few sensors."""
    episode = zlib.crc32(sensor.code.encode()) % 5 == 0 and 300 <= step < 312  # 3 hours on day 4, ~1 sensor in 5
    if sensor.kind == "pm25":
        base = 30 + 15 * (local_hour in range(7, 10) or local_hour in range(17, 21))
        return round(max(3.0, rng.gauss(base, 6) + (60 if episode else 0)), 1)
    if sensor.kind == "noise":
        night = local_hour >= 22 or local_hour < 6
        limit_gap = 10 if sensor.noise_zone_class == "4a" else 6
        base = (43 if night else 53) + (limit_gap - 6)
        return round(rng.gauss(base, 1.5) + (12 if episode else 0), 1)
    if sensor.kind == "water_level":
        return round(1.2 + 0.3 * rng.random() + (1.2 if episode else 0), 2)
    return round(max(0.1, rng.gauss(5.0, 0.6) - (3.8 if episode else 0)), 2)  # dissolved oxygen


def _readings(rng, sensors: list[Sensor]) -> int:
    end = timezone.now().replace(second=0, microsecond=0)
    start = end - timedelta(days=DEMO_DAYS)
    steps = int((end - start) / READING_EVERY)
    total, batch = 0, []
    for step in range(steps):  # in time order: each batch moves the episodes forward
        at = start + step * READING_EVERY
        local_hour = timezone.localtime(at).hour
        batch += [Reading(s.code, at, _value(rng, s, step, local_hour)) for s in sensors]
        if len(batch) >= 2000 or step == steps - 1:
            total += readings_store(batch).accepted
            batch = []
    return total


def _traffic_cases(rng, outline) -> int:
    """Synthetic traffic reports along the synthetic roads (hotline, routed like real ones); how many are new.

    Each has an idempotency key ``demo-traffic-<n>``, so a second load adds
    none. Skipped when the catalogue lacks the traffic classes.
    """
    codes = set(SmallClass.objects.filter(code__in=TRAFFIC_CLASSES, active=True).values_list("code", flat=True))
    roads = list(Road.objects.filter(osm_id__lte=ROAD_ID_BASE).order_by("-osm_id"))
    if codes != set(TRAFFIC_CLASSES) or not roads:
        return 0
    inside = prep(outline)
    points = []
    while len(points) < TRAFFIC_NEAR:
        road = rng.choices(roads, weights=[ROAD_WEIGHT.get(r.highway, 1) for r in roads])[0]
        on = road.geometry.interpolate_normalized(rng.random())
        (x0, y0), (x1, y1) = road.geometry.coords[0], road.geometry.coords[-1]
        side = rng.choice((-1, 1)) * TRAFFIC_OFFSET_DEG
        lng, lat = (on.x, on.y + side) if abs(x1 - x0) > abs(y1 - y0) else (on.x + side, on.y)
        if inside.contains(ShapelyPoint(lng, lat)):
            points.append((lng, lat))
    for road in roads:  # cell centres beside the roads' first vertices
        if len(points) == TRAFFIC_NEAR + TRAFFIC_FAR:
            break
        x, y = road.geometry.coords[0]
        centre = (x + ROAD_SPACING_DEG / 2, y + ROAD_SPACING_DEG / 2)
        if inside.contains(ShapelyPoint(centre)) and centre not in points:
            points.append(centre)
    created = 0
    for n, (lng, lat) in enumerate(points):
        result = event_create(small_class_code=rng.choice(TRAFFIC_CLASSES), point=Point(lng, lat, srid=4326),
                              channel=Channel.HOTLINE, description="示例交通案件（合成）",
                              idempotency_key=f"demo-traffic-{n}")
        created += result.created
    return created


def _observations_and_patrols(bodies: list[WaterBody]) -> tuple[int, int]:
    now = timezone.now()
    observations = 0
    for n, body in enumerate(bodies):
        point = _anchor(body)
        water_observation_record(location=point, observed_at=now - timedelta(days=6), water_body=body,
                                 transparency_cm=45, dissolved_oxygen_mg_l=5.2, orp_mv=120, ammonia_nitrogen_mg_l=1.5)
        light = n == 0  # one body turns lightly black-odorous: an event for the water affairs bureau
        water_observation_record(location=point, observed_at=now - timedelta(days=1), water_body=body,
                                 transparency_cm=22 if light else 40, dissolved_oxygen_mg_l=1.6 if light else 4.8,
                                 orp_mv=20 if light else 110, ammonia_nitrogen_mg_l=9.5 if light else 2.0)
        observations += 2
    worker = get_user_model().objects.filter(username="worker").first()
    ditch = next((b for b in bodies if b.code == "DEMO-D1"), None)
    if worker is None or ditch is None:
        return observations, 0
    a, b = ditch.geometry.coords[0], ditch.geometry.coords[-1]
    patrols = 0
    for days_ago, minutes, share in [(8, 14, 1.0), (2, 6, 0.4)]:  # one compliant, one short
        t0 = (now - timedelta(days=days_ago)).timestamp()
        fixes = [[a[0] + (b[0] - a[0]) * share * i / 30, a[1] + (b[1] - a[1]) * share * i / 30,
                  t0 + minutes * 60 * i / 30] for i in range(31)]
        patrol_record(worker=worker, water_body=ditch, fixes=fixes, client_id=f"demo-{days_ago}")
        patrols += 1
    return observations, patrols

