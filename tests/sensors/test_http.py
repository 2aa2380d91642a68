"""Readings over HTTP with the sensor's own key (real PostGIS, Django test client)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.events.models import Event
from gridmgmt.sensors.models import SensorHour
from gridmgmt.sensors.services import sensor_create
from tests.sensors.conftest import INSIDE_C1

URL = "/api/sensors/readings"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def level_sensor(areas, duty_classes):
    return sensor_create(code="level-1", kind="water_level", threshold=2.5,
                         location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))


def post(client, key, body):
    return client.post(URL, body, content_type="application/json", HTTP_X_SENSOR_KEY=key)


def test_batch_above_threshold_opens_one_event(client, level_sensor):
    _, key = level_sensor
    body = {"readings": [{"value": v, "time": (T0 + timedelta(minutes=i)).isoformat()}
                         for i, v in enumerate([2.0, 2.8, 3.1, 2.9])]}
    response = post(client, key, body)
    assert response.status_code == 202, response.content
    assert response.json()["accepted"] == 4 and response.json()["episodes_opened"] == 1
    event = Event.objects.get()
    assert (event.grid_code, event.channel, event.small_class.code) == ("44010400100101", "sensor", "2404")


def test_single_reading_without_time_uses_receipt(client, level_sensor):
    _, key = level_sensor
    assert post(client, key, {"value": 1.2}).status_code == 202
    assert SensorHour.objects.get().count == 1


def test_wrong_key_401_nothing_stored(client, level_sensor):
    response = post(client, "not-the-key", {"value": 9})
    assert response.status_code == 401 and "X-Sensor-Key" in response.json()["detail"]
    assert not SensorHour.objects.exists()


def test_one_bad_reading_refuses_the_batch_by_index(client, level_sensor):
    _, key = level_sensor
    response = post(client, key, {"readings": [{"value": 3.0}, {"value": "deep"}]})
    assert response.status_code == 400
    assert response.json() == {"detail": "reading 1: sensor level-1: value 'deep' is not a number",
                               "reason": "bad_value"}
    assert not SensorHour.objects.exists() and not Event.objects.exists()


def test_out_of_physical_range_400(client, level_sensor):
    _, key = level_sensor
    response = post(client, key, {"value": 500})
    assert response.status_code == 400 and "physical range" in response.json()["detail"]
    assert not SensorHour.objects.exists()


def test_malformed_json_body_400(client, level_sensor):
    _, key = level_sensor
    response = client.post(URL, "{oops", content_type="application/json", HTTP_X_SENSOR_KEY=key)
    assert response.status_code == 400


def test_empty_list_400(client, level_sensor):
    _, key = level_sensor
    assert post(client, key, {"readings": []}).status_code == 400


@pytest.mark.parametrize(("body", "reason"), [
    ('{"value": 1' + "0" * 400 + "}", "bad_value"),  # was 500 OverflowError
    ('{"value": 1, "time": "0001-01-01T00:00:00+14:00"}', "bad_time"),  # was 500 ValueError
    ('{"value": 1, "time": "1970-01-01T00:00:00Z"}', "bad_time"),  # was stored in 1970's hour
])
def test_reading_no_sensor_could_send_400_by_reason_nothing_stored(client, level_sensor, body, reason):
    _, key = level_sensor
    response = client.post(URL, body, content_type="application/json", HTTP_X_SENSOR_KEY=key)
    assert (response.status_code, response.json()["reason"]) == (400, reason)
    assert not SensorHour.objects.exists()


def test_body_nested_deep_400(client, level_sensor):
    _, key = level_sensor
    response = client.post(URL, "[" * 5000 + "]" * 5000, content_type="application/json", HTTP_X_SENSOR_KEY=key)
    assert response.status_code == 400 and "nested deeper" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-16"])
def test_utf16_body_400_not_utf8_whatever_charset_declared(client, level_sensor, content_type):
    """A UTF-16 body declared charset=utf-16 was decoded by that charset and stored; application/json has no
    charset (RFC 8259 section 11) and must be UTF-8 (section 8.1)."""
    _, key = level_sensor
    body = '{"value": 1.2}'
    if "charset" not in content_type:
        body = body.encode("utf-16")  # else the test client encodes it by the declared charset
    response = client.post(URL, body, content_type=content_type, HTTP_X_SENSOR_KEY=key)
    assert response.status_code == 400 and "JSON must be UTF-8 (RFC 8259 §8.1); this is UTF-16" in response.json()["detail"]
    assert not SensorHour.objects.exists()


def test_batch_posted_twice_is_202_with_duplicates_and_stored_once(client, level_sensor):
    """A sensor retrying a POST whose answer it lost: the readings were counted twice in their hour."""
    _, key = level_sensor
    body = {"readings": [{"value": v, "time": (T0 + timedelta(minutes=i)).isoformat()}
                         for i, v in enumerate([2.0, 2.8, 3.1, 2.9])]}
    assert post(client, key, body).json()["accepted"] == 4
    again = post(client, key, body)
    assert again.status_code == 202
    assert (again.json()["accepted"], again.json()["duplicates"], again.json()["episodes_opened"]) == (0, 4, 0)
    assert sum(h.count for h in SensorHour.objects.all()) == 4 and Event.objects.count() == 1


def test_reading_sent_again_with_another_value_409_nothing_of_the_batch_stored(client, level_sensor):
    _, key = level_sensor
    at = T0.isoformat()
    assert post(client, key, {"value": 2.0, "time": at}).status_code == 202
    response = post(client, key, {"readings": [{"value": 1.0, "time": (T0 + timedelta(minutes=1)).isoformat()},
                                               {"value": 2.2, "time": at}]})
    assert (response.status_code, response.json()["reason"]) == (409, "conflict")
    assert "is stored with value 2; another value (2.2) is refused" in response.json()["detail"]
    assert [(h.count, h.value_sum) for h in SensorHour.objects.all()] == [(1, 2.0)]


def test_reading_in_another_unit_converted_or_400_bad_unit(client, level_sensor):
    """A water level in cm (280) was stored as 280 m, out of the physical range; dB for metres was ignored."""
    _, key = level_sensor
    assert post(client, key, {"value": 280, "unit": "cm", "time": T0.isoformat()}).json()["episodes_opened"] == 1
    response = post(client, key, {"value": 2.8, "unit": "ft"})
    assert (response.status_code, response.json()["reason"]) == (400, "bad_unit")
    assert "unit 'ft' is not a unit of water_level readings: give m" in response.json()["detail"]
    assert SensorHour.objects.get().value_max == 2.8
