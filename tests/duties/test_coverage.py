"""Grid coverage from the stored roads, facilities and buildings (real PostGIS; network as tests/duties/test_walking.py)."""

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.management import call_command

from gridmgmt.areas.models import Building, HealthFacility, Road
from gridmgmt.duties.coverage import coverage_compute, worst_served
from gridmgmt.duties.models import GridCoverage
from tests.water.conftest import areas  # noqa: F401

LAT = 23.125


@pytest.fixture
def town(areas):
    Road.objects.create(osm_id=1, highway="residential", name="一路",
                        geometry=LineString([(113.260 + 0.002 * i, LAT) for i in range(6)], srid=4326))
    HealthFacility.objects.create(osm_id=1, kind="clinic", name="社区卫生服务中心", location=Point(113.260, LAT))
    HealthFacility.objects.create(osm_id=2, kind="pharmacy", name="药店", location=Point(113.268, LAT))
    for n, (households, (lng, lat)) in enumerate([(10, (113.264, LAT)), (20, (113.268, LAT + 0.0025)),
                                                  (30, (113.2695, LAT))]):
        Building.objects.create(location=Point(lng, lat, srid=4326), households=households, community=areas.c1,
                                source="test", source_id=str(n))
    return areas


def test_share_of_households_within_the_walk_pharmacy_not_care(town):
    summary = coverage_compute()
    row = GridCoverage.objects.get(grid_code="44010400100101")
    # 10 (409 m) and 30 (1,074 m) within; 20 (1,096 m) beyond; the pharmacy next to them does not count.
    assert (row.households, row.households_within) == (60, 40) and row.share == pytest.approx(2 / 3)
    assert (summary.roads, summary.facilities) == (1, 1)


def test_recompute_replaces_figures_and_worst_served_lists_lowest(town):
    coverage_compute()
    HealthFacility.objects.create(osm_id=3, kind="hospital", name="医院", location=Point(113.270, LAT))
    call_command("compute_coverage", stdout=open("/dev/null", "w"))
    assert GridCoverage.objects.count() == 1
    assert worst_served()[0].share == 1.0


def test_coverage_layer_api_gives_each_grid_its_share(client, town):
    from django.contrib.auth import get_user_model
    coverage_compute()
    client.force_login(get_user_model().objects.create_user("leader"))
    feature = client.get("/api/duties/coverage/").json()["features"][0]
    assert feature["properties"]["code"] == "44010400100101"
    assert feature["properties"]["share"] == pytest.approx(2 / 3) and feature["geometry"]["type"] == "Polygon"
