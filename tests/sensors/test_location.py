"""A registered sensor follows the active grid covering it when its community's grids change (real PostGIS).

The two-community district of tests/grids (west 5 grids, east 1 grid of 120 households); the sensor stands
in the east community at lng 113.2775, east of the split line at 113.273.
"""

import pytest
from django.contrib.gis.geos import Point
from shapely.geometry import LineString

from gridmgmt.grids.editing import community_grids_undo, grid_split
from gridmgmt.grids.models import Grid
from gridmgmt.grids.services import grids_generate
from gridmgmt.maps.scope import AreaScope
from gridmgmt.maps.sensor_view import sensor_layer
from gridmgmt.sensors.models import Sensor
from gridmgmt.sensors.services import sensor_create
from tests.grids.conftest import two_communities

__all__ = ["two_communities"]


@pytest.fixture
def east_sensor(two_communities):
    grids_generate(communities=list(two_communities), target_households=200, code_digits=2, activate=True)
    sensor, _ = sensor_create(code="air-east", kind="pm25", location=Point(113.2775, 23.125, srid=4326))
    return sensor


def covering_code(point) -> str:
    return Grid.objects.active().get(polygon__covers=point).code


def test_sensor_follows_its_grid_through_a_split_and_its_undo(east_sensor):
    """After the split the sensor kept the retired grid's code: the new grid's file and its grid worker's
    environment view did not show it."""
    registered = east_sensor.grid_code
    (only,) = Grid.objects.active().filter(code=registered)
    grid_split(grid=only, line=LineString([(113.273, 23.119), (113.273, 23.131)]))
    east_sensor.refresh_from_db()
    assert east_sensor.grid_code != registered and east_sensor.grid_code == covering_code(east_sensor.location)
    scope = AreaScope(grid_codes=frozenset({east_sensor.grid_code}))  # its grid worker's
    assert [f["properties"]["code"] for f in sensor_layer(scope=scope)["sensors"]["features"]] == ["air-east"]
    community_grids_undo(community=only.community)
    assert Sensor.objects.get().grid_code == registered
