"""Water observations: classed, stored, and a black-odorous one opens a routed event in its grid (real PostGIS)."""

from datetime import UTC, datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from gridmgmt.events.models import Event
from gridmgmt.water.models import WaterObservation
from gridmgmt.water.services import water_observation_record
from tests.water.conftest import INSIDE_C1, INSIDE_C2, OUTSIDE

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def at(lat_lng):
    return Point(lat_lng[1], lat_lng[0], srid=4326)


def test_clean_water_stored_without_event(areas, duty_classes):
    obs = water_observation_record(location=at(INSIDE_C1), observed_at=WHEN, transparency_cm=60,
                                   dissolved_oxygen_mg_l=6.5, orp_mv=150, ammonia_nitrogen_mg_l=0.8)
    assert obs.black_odor_class == 0 and obs.event is None
    assert obs.grid_code == "44010400100101"
    assert Event.objects.count() == 0


def test_light_black_odor_opens_event_in_the_grid_routed_to_water_affairs(areas, duty_classes):
    obs = water_observation_record(location=at(INSIDE_C1), observed_at=WHEN, ammonia_nitrogen_mg_l=9.0)
    assert obs.black_odor_class == 1
    event = Event.objects.get()
    assert obs.event == event
    assert (event.grid_code, event.small_class.code, event.department.code) == ("44010400100101", "2301", "SW")
    assert event.channel == "worker_app"


def test_severe_in_community_without_grid_still_opens_event(areas, duty_classes):
    obs = water_observation_record(location=at(INSIDE_C2), observed_at=WHEN, orp_mv=-250, source="sensor")
    assert obs.black_odor_class == 2 and obs.grid_code == ""
    assert obs.event.community_code == "440104001002" and obs.event.channel == "sensor"


def test_point_outside_district_refused_nothing_stored(areas, duty_classes):
    with pytest.raises(ValidationError, match="outside the district"):
        water_observation_record(location=at(OUTSIDE), observed_at=WHEN, ammonia_nitrogen_mg_l=20)
    assert WaterObservation.objects.count() == 0 and Event.objects.count() == 0


def test_impossible_value_refused_by_name(areas, duty_classes):
    with pytest.raises(ValidationError, match="transparency_cm=-3"):
        water_observation_record(location=at(INSIDE_C1), observed_at=WHEN, transparency_cm=-3)
    assert WaterObservation.objects.count() == 0
