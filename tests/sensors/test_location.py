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
from tests.events.conftest import areas
from tests.grids.conftest import two_communities

__all__ = ["areas", "two_communities"]


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


def test_sensor_follows_a_moved_community_boundary(areas):
    """tests/events' two communities: the seam moves from lng 113.27 to 113.278, so the sensor at 113.275
    (registered in C2) now stands in C1. It kept C2's code: C1's environment view did not show it."""
    from shapely.geometry import MultiPolygon, box

    from gridmgmt.areas.boundary_reader import BoundaryRecord
    from gridmgmt.areas.services import boundaries_save

    sensor, _ = sensor_create(code="air-c2", kind="pm25", location=Point(113.275, 23.125, srid=4326))
    assert (sensor.community_code, sensor.grid_code) == ("440104001002", "")
    boundaries_save(level="community", source="test", records=[
        BoundaryRecord(0, "440104001001", "一社区", "", "440104001", MultiPolygon([box(113.26, 23.12, 113.278, 23.13)])),
        BoundaryRecord(1, "440104001002", "二社区", "", "440104001", MultiPolygon([box(113.278, 23.12, 113.28, 23.13)]))])
    sensor.refresh_from_db()
    assert (sensor.community_code, sensor.street_code, sensor.grid_code) == ("440104001001", "440104001", "")
