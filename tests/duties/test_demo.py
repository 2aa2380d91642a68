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
