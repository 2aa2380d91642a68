"""The dashboard's water and environment layers: content, the reader's area, the 304 of an unchanged poll.

World (tests/cases/conftest.py): grid A spans lng 113.26–113.27, grid B 113.27–113.28, lat 23.12–23.13.
"""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.utils import timezone

from gridmgmt.sensors.models import Sensor, SensorEpisode
from gridmgmt.water.models import Patrol, WaterBody, WaterObservation
from gridmgmt.water.patrols import patrol_rules_ensure
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reports_ahead_of_cases(db):
    """Report ids run 1,000 ahead of case ids, as in a running district (merged reports): a layer that
    names a case by its report's id is caught."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('events_event', 'id'),"
                       " (SELECT coalesce(max(id), 0) + 1000 FROM events_event))")
WATER, SENSORS = "/api/maps/water/", "/api/maps/sensors/"


@pytest.fixture
def water(world, users):
    """Canal A (orange warning: every 3 days; severe black odour now, none before; patrolled yesterday) and ditch B (never seen)."""
    patrol_rules_ensure()
    now = timezone.now()
    canal = WaterBody.objects.create(code="CANAL-A", name="东濠涌", kind="canal", source="test", warning_level="orange",
                                     geometry=LineString((113.262, 23.125), (113.268, 23.125), srid=4326))
    ditch = WaterBody.objects.create(code="DITCH-B", name="", kind="ditch", source="test",
                                     geometry=LineString((113.272, 23.125), (113.278, 23.125), srid=4326))
    for days, odour in ((3, 0), (1, 2)):
        WaterObservation.objects.create(water_body=canal, location=Point(113.265, 23.125, srid=4326),
                                        observed_at=now - timedelta(days=days), black_odor_class=odour, source="manual")
    Patrol.objects.create(worker=users["workerA"], water_body=canal, grid_code=world["A"]["grid"].code,
                          started_at=now - timedelta(hours=2), ended_at=now - timedelta(hours=1),
                          track=LineString((113.262, 23.125), (113.268, 23.125), srid=4326), length_m=1200,
                          duration_s=3600, compliant=True, client_id="p1")
    black = factories.small_class("2301", "小微水体黑臭", department=world["d2"])
    return {"canal": canal, "ditch": ditch, "black": black, "now": now}


def test_water_layer_colours_bodies_by_latest_class_and_patrol_and_lists_the_worst(water, world, make_event,
                                                                                     client_as):
    water_case = factories.report(world["A"]["grid"], water["black"])
    make_event("A")  # rubbish: not a water case
    data = client_as("leader").get(WATER).json()
    bodies = {f["properties"]["code"]: f for f in data["bodies"]["features"]}
    canal, ditch = bodies["CANAL-A"]["properties"], bodies["DITCH-B"]["properties"]
    assert bodies["CANAL-A"]["geometry"]["type"] == "LineString"
    assert (canal["black_odor"], canal["warning_level"], canal["patrol_state"]) == (2, "orange", "ok")  # latest wins
    assert (ditch["black_odor"], ditch["patrol_state"], ditch["patrol_due_at"]) == (None, "missed", None)
    # Worst first: the severely black-odorous canal, then the ditch never patrolled.
    assert [b["code"] for b in data["worst"]] == ["CANAL-A", "DITCH-B"]
    assert [f["properties"]["id"] for f in data["cases"]["features"]] == [water_case.case_source.case_id]
    assert data["counts"] == {"bodies": 2, "black_odorous": 1, "patrol_missed": 1, "open_cases": 1}


def test_water_layer_keeps_to_the_readers_area(water, world, client_as):
    factories.report(world["A"]["grid"], water["black"])
    worker_b = client_as("workerB").get(WATER).json()
    assert [f["properties"]["code"] for f in worker_b["bodies"]["features"]] == ["DITCH-B"]
    assert worker_b["cases"]["features"] == []  # A's water case is not B's
    street_a = client_as("street_supA").get(WATER).json()
    assert [f["properties"]["code"] for f in street_a["bodies"]["features"]] == ["CANAL-A"]
    assert client_as("handler1").get(WATER).status_code == 403  # department staff see no area


def test_unchanged_water_layer_is_a_304_and_an_observation_or_patrol_changes_it(water, client_as):
    client = client_as("dispatcher")
    etag = client.get(WATER)["ETag"]
    assert client.get(WATER, HTTP_IF_NONE_MATCH=etag).status_code == 304
    WaterObservation.objects.create(water_body=water["ditch"], location=Point(113.275, 23.125, srid=4326),
                                    observed_at=water["now"], black_odor_class=1, source="manual")
    changed = client.get(WATER, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["counts"]["black_odorous"] == 2
    etag = changed["ETag"]
    Patrol.objects.filter(client_id="p1").update(compliant=False)  # the canal's patrol no longer counts
    assert client.get(WATER, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.fixture
def sensors(world, make_event):
    """In A: PM2.5 ok, noise exceeding (its event has a case), water level silent for 5 h; in B: PM10 ok."""
    now = timezone.now()

    def sensor(code, kind, letter, value, hours_ago, **extra):
        place = world[letter]
        return Sensor.objects.create(
            code=code, kind=kind, location=Point(113.265 if letter == "A" else 113.275, 23.125, srid=4326),
            grid_code=place["grid"].code, community_code=place["community"].code, street_code=place["street"].code,
            last_value=value, last_reading_at=now - timedelta(hours=hours_ago), **extra)

    made = {"pm25": sensor("pm25-a", "pm25", "A", 40, 0.1), "noise": sensor("noise-a", "noise", "A", 75, 0.1,
                                                                           noise_zone_class="2"),
            "level": sensor("level-a", "water_level", "A", 1.0, 5, threshold=2.0),
            "pm10": sensor("pm10-b", "pm10", "B", 90, 0.1)}
    event = make_event("A")
    episode = SensorEpisode.objects.create(sensor=made["noise"], started_at=now - timedelta(hours=1), peak_value=78,
                                           readings=4, event=event)
    Sensor.objects.filter(pk=made["noise"].pk).update(open_episode=episode)
    return {**made, "event": event}


def test_sensor_layer_states_limits_and_open_episodes(sensors, world, client_as):
    data = client_as("leader").get(SENSORS).json()
    by_code = {f["properties"]["code"]: f["properties"] for f in data["sensors"]["features"]}
    assert {code: p["state"] for code, p in by_code.items()} == {
        "pm25-a": "ok", "noise-a": "exceeding", "level-a": "stale", "pm10-b": "ok"}
    assert by_code["pm25-a"]["limit"] == "75 µg/m³"  # GB 3095-2012 class II, 24 h
    assert by_code["noise-a"]["limit"] == "60/50 dB(A)"  # GB 3096-2008 class 2, day/night
    assert by_code["level-a"]["type"] == "water_level"
    [episode] = data["episodes"]
    assert (episode["sensor"], episode["grid"], episode["peak"]) == ("noise-a", world["A"]["grid"].code, 78)
    event = sensors["event"]
    assert (episode["event"], episode["case"]) == (event.pk, event.case_source.case_id)  # ids of two sequences
    assert data["counts"] == {"ok": 2, "exceeding": 1, "stale": 1}


def test_sensor_type_filter_and_a_bad_type_is_a_400_naming_it(sensors, client_as):
    client = client_as("leader")
    air = client.get(SENSORS, {"type": "air"}).json()
    assert sorted(f["properties"]["code"] for f in air["sensors"]["features"]) == ["pm10-b", "pm25-a"]
    assert air["episodes"] == []
    bad = client.get(SENSORS, {"type": "smoke"})
    assert bad.status_code == 400 and "type" in bad.json()


def test_sensor_layer_keeps_to_the_readers_area(sensors, client_as):
    data = client_as("community_supB").get(SENSORS).json()
    assert [f["properties"]["code"] for f in data["sensors"]["features"]] == ["pm10-b"]
    assert data["episodes"] == []
    assert client_as("handler1").get(SENSORS).status_code == 403


def test_unchanged_sensor_layer_is_a_304_and_a_reading_or_a_closed_episode_changes_it(sensors, client_as):
    client = client_as("dispatcher")
    etag = client.get(SENSORS)["ETag"]
    assert client.get(SENSORS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Sensor.objects.filter(pk=sensors["pm25"].pk).update(last_value=41, last_reading_at=timezone.now())
    changed = client.get(SENSORS, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    Sensor.objects.filter(pk=sensors["noise"].pk).update(open_episode=None)
    after = client.get(SENSORS, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert after.status_code == 200 and after.json()["counts"]["exceeding"] == 0
