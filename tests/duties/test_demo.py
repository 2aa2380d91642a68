"""The synthetic duty layers on a tiny district (real PostGIS): every view gets data, a second load adds nothing."""

import io

import pytest
from django.contrib.auth import get_user_model

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.areas.models import HealthFacility, Road
from gridmgmt.duties.demo import duties_demo_load
from gridmgmt.duties.models import GridCoverage
from gridmgmt.events.models import Event
from gridmgmt.sensors.models import Sensor, SensorEpisode, SensorHour
from gridmgmt.water.models import Patrol, WaterBody, WaterObservation
from tests.water.conftest import areas, duty_classes  # noqa: F401


@pytest.fixture
def demo_worker(areas):
    user = get_user_model().objects.create_user("worker")
    RoleAssignment.objects.create(user=user, role=Role.GRID_WORKER, grid_code=areas.grid.code)
    return user


def test_demo_layers_loaded_and_idempotent(areas, duty_classes, demo_worker):
    out = io.StringIO()
    duties_demo_load(stdout=out)
    counts = (Road.objects.count(), HealthFacility.objects.count(), WaterBody.objects.count(),
              Sensor.objects.count(), SensorHour.objects.count(), WaterObservation.objects.count(),
              Patrol.objects.count(), Event.objects.count())
    assert Road.objects.filter(highway="primary").exists() and HealthFacility.objects.filter(kind="clinic").exists()
    assert WaterBody.objects.filter(code="DEMO-D1").exists()
    assert Sensor.objects.count() == 2 + 3 * 2  # PM2.5 + noise for the one street, level + DO per canal
    assert SensorHour.objects.count() >= Sensor.objects.count() * 24 * 7
    assert SensorEpisode.objects.exists() and Event.objects.filter(channel="sensor").exists()
    assert WaterObservation.objects.filter(black_odor_class=1).count() == 1
    assert sorted(Patrol.objects.values_list("compliant", flat=True)) == [False, True]
    assert GridCoverage.objects.get(grid_code=areas.grid.code).households == 0  # the test district has no buildings
    assert "synthetic" in out.getvalue()
    duties_demo_load(stdout=io.StringIO())
    assert counts == (Road.objects.count(), HealthFacility.objects.count(), WaterBody.objects.count(),
                      Sensor.objects.count(), SensorHour.objects.count(), WaterObservation.objects.count(),
                      Patrol.objects.count(), Event.objects.count())


@pytest.fixture
def traffic_classes(db):
    from gridmgmt.events.models import BigClass, SmallClass
    big = BigClass.objects.create(code="22", kind="event", name="交通管理")
    for code, name in (("2201", "违法停车"), ("2202", "交通信号灯故障"), ("2203", "交通拥堵")):
        SmallClass.objects.create(big_class=big, code=code, name=name, time_limit_value=2,
                                  time_limit_unit="working_hours")


def test_demo_traffic_cases_ranked_on_the_synthetic_roads_near_ones_snapped_far_ones_not(
        areas, duty_classes, demo_worker, traffic_classes):
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from gridmgmt.accounts.jurisdiction import DISTRICT
    from gridmgmt.duties.traffic import SNAP_M, traffic_segments

    duties_demo_load(stdout=io.StringIO())
    now = timezone.now()
    ranking = traffic_segments(scope=DISTRICT, start=now - timedelta(days=30), end=now, limit=1000)["features"]
    assert ranking, "the demo's traffic list is empty"
    assert all("（合成）" in f["properties"]["name"] for f in ranking)
    counts = [f["properties"]["cases"] for f in ranking]
    assert counts == sorted(counts, reverse=True)
    # Independently: each demo traffic case's distance to the nearest road.
    with connection.cursor() as cursor:
        cursor.execute("""SELECT (SELECT min(ST_Distance(r.geometry::geography, c.location::geography))
                                  FROM areas_road r) FROM cases_case c
                          JOIN events_smallclass sc ON sc.id = c.small_class_id WHERE sc.code LIKE '22%%'""")
        distances = [row[0] for row in cursor.fetchall()]
    near, far = [d for d in distances if d <= SNAP_M], [d for d in distances if d > SNAP_M]
    assert len(near) == 40 and len(far) == 4 and min(far) > 100
    assert sum(counts) == len(near)  # within 30 m snapped, farther ones left out
    duties_demo_load(stdout=io.StringIO())
    assert len(distances) == Event.objects.filter(description="示例交通案件（合成）").count()  # a second load adds none
