"""Readings in: hourly rows, one event per exceedance episode, bad payloads counted by name (real PostGIS)."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import translation

from gridmgmt.events.models import Event
from gridmgmt.sensors.ingest import Reading, readings_ingest, readings_store
from gridmgmt.sensors.models import Sensor, SensorEpisode, SensorHour
from gridmgmt.sensors.services import sensor_create
from tests.sensors.conftest import INSIDE_C1, OUTSIDE

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 in Guangzhou
RECEIVED = T0 + timedelta(hours=3)


def at(lat_lng):
    return Point(lat_lng[1], lat_lng[0], srid=4326)


@pytest.fixture
def pm25(areas, duty_classes):
    sensor, _ = sensor_create(code="air-1", kind="pm25", location=at(INSIDE_C1), name="洪桥空气站")
    return sensor


def message(value, minutes, code="air-1"):
    return code, json.dumps({"value": value, "time": (T0 + timedelta(minutes=minutes)).isoformat()}).encode()


def test_sensor_located_in_its_grid(pm25):
    assert (pm25.grid_code, pm25.community_code, pm25.street_code) == ("44010400100101", "440104001001", "440104001")


def test_sensor_outside_district_refused(areas, duty_classes):
    with pytest.raises(ValidationError, match="outside the district"):
        sensor_create(code="far", kind="pm25", location=at(OUTSIDE))
    assert not Sensor.objects.exists()


def test_exceedance_opens_one_event_while_it_lasts_and_closes_when_back_below(pm25):
    # above 75 from minute 1 to 3; again at minute 40, after SENSOR_EPISODE_RESUME_MINUTES (30) below
    readings = [(40, 0), (80, 1), (120, 2), (95, 3), (70, 4), (60, 5), (90, 40)]
    report = readings_ingest([message(v, m) for v, m in readings], received_at=RECEIVED)
    assert report.accepted == 7 and report.episodes_opened == 2 and report.episodes_closed == 1
    first, second = SensorEpisode.objects.order_by("started_at")
    assert (first.started_at, first.ended_at) == (T0 + timedelta(minutes=1), T0 + timedelta(minutes=4))
    assert first.peak_value == 120 and first.readings == 3
    assert second.ended_at is None
    events = Event.objects.order_by("id")
    assert [e.pk for e in events] == [first.event_id, second.event_id]
    assert all((e.channel, e.grid_code, e.small_class.code, e.department.code) ==
               ("sensor", "44010400100101", "2404", "STHJ") for e in events)
    pm25.refresh_from_db()
    assert pm25.open_episode == second and pm25.last_value == 90


def test_event_text_gives_the_reading_time_in_beijing_time(pm25):
    readings_ingest([message(120, 1)], received_at=RECEIVED)
    # 02:01 UTC is 10:01 in Guangzhou; the report's text is read by people (R8).
    assert "2026-11-02 10:01" in Event.objects.get().description


def test_event_text_is_in_the_district_s_language_whoever_s_language_is_active(pm25):
    # Before: "sensor demo-pm25-… (pm25) above its limit since …" in English on a Chinese district's case.
    with translation.override("en"):
        readings_ingest([message(120, 1)], received_at=RECEIVED)
    assert Event.objects.get().description == (
        f"传感器 {pm25.code} {pm25.name}（PM2.5）自 2026-11-02 10:01 起超标：峰值 120 µg/m³，限值 75")


def test_exceedance_across_batches_still_one_event(pm25):
    for minute, value in enumerate([80, 90, 100, 110]):
        readings_ingest([message(value, minute)], received_at=RECEIVED)
    assert Event.objects.count() == 1 and SensorEpisode.objects.get().readings == 4


def test_late_reading_does_not_reopen_a_closed_episode(pm25):
    readings_ingest([message(90, 0), message(50, 5)], received_at=RECEIVED)
    report = readings_ingest([message(200, 2)], received_at=RECEIVED)  # older than the last reading
    assert report.accepted == 1 and report.episodes_opened == 0
    assert Event.objects.count() == 1
    hour = SensorHour.objects.get()
    assert (hour.count, hour.value_max, hour.exceeding_count) == (3, 200, 2)


def test_hourly_rows_keep_count_mean_extremes(pm25):
    readings_ingest([message(v, m) for v, m in [(10, 0), (20, 30), (30, 59), (40, 60)]], received_at=RECEIVED)
    first, second = SensorHour.objects.order_by("hour")
    assert (first.hour, first.count, first.mean, first.value_min, first.value_max) == (T0, 3, 20, 10, 30)
    assert (second.hour, second.count) == (T0 + timedelta(hours=1), 1)


def test_bad_payloads_counted_and_named_good_ones_kept(pm25):
    batch = [
        ("air-1", b"{not json"),
        ("air-1", b'{"time": "2026-11-02T02:00:00+00:00"}'),
        ("air-1", b'{"value": "high"}'),
        ("air-1", b'{"value": 10, "time": "yesterday"}'),
        ("air-1", b'{"value": 10, "time": "2026-11-02T02:00:00"}'),  # no offset
        ("ghost-9", b'{"value": 10}'),
        ("air-1", b'{"value": 5000}'),
        ("air-1", b'{"value": NaN}'),  # not JSON (RFC 8259): the request bodies' rule refuses it
        message(30, 0),
    ]
    report = readings_ingest(batch, received_at=RECEIVED)
    assert report.accepted == 1
    assert report.rejected == {"malformed_json": 2, "missing_value": 1, "bad_value": 1, "bad_time": 2,
                               "unknown_sensor": 1, "out_of_range": 1}
    assert "ghost-9" in report.examples["unknown_sensor"]
    assert "5000.0 µg/m³ is outside the physical range" in report.examples["out_of_range"]
    assert SensorHour.objects.get().count == 1


@pytest.mark.parametrize(("payload", "reason", "named"), [
    (b"[" * 5000 + b"]" * 5000, "malformed_json", "nested deeper than 32"),  # was RecursionError
    (b'{"value": ' + b"[" * 5000 + b"]" * 5000 + b"}", "malformed_json", "nested deeper than 32"),
    (b'{"value": 1' + b"0" * 400 + b"}", "bad_value", "(401 characters)"),  # was OverflowError
    (b'{"value": 10, "time": "0001-01-01T00:00:00+14:00"}', "bad_time", "must be an ISO 8601 date-time"),  # was ValueError
    (b'{"value": 10, "time": "9999-12-31T23:59:59-14:00"}', "bad_time", "must be an ISO 8601 date-time"),
    (b'{"value": 10, "time": "1970-01-01T00:00:00+00:00"}', "bad_time", "more than 30 days before"),  # was stored
    (b'{"value": 10, "time": "0001-01-01T00:00:00Z"}', "bad_time", "more than 30 days before"),  # was stored
    (b'{"value": 10, "time": "2026-11-02T02:00:00\\u0000+00:00"}', "bad_time", "must be an ISO 8601 date-time"),  # was stored
    (b'{"value": 10, "time": "20261102T020000+0000"}', "bad_time", "must be an ISO 8601 date-time"),
    (b'{"value": 10, "time": "2026-11-02T02:00:00"}', "bad_time", "must carry a UTC offset"),
])
def test_hostile_payload_refused_by_name_the_rest_of_its_batch_stored(pm25, payload, reason, named):
    report = readings_ingest([("air-1", payload), message(30, 0)], received_at=RECEIVED)
    assert (report.accepted, dict(report.rejected)) == (1, {reason: 1})
    assert named in report.examples[reason]
    assert SensorHour.objects.get().count == 1


def test_future_reading_refused(pm25):
    report = readings_ingest([("air-1", json.dumps({"value": 1, "time": (RECEIVED + timedelta(hours=1))
                                                    .isoformat()}))], received_at=RECEIVED)
    assert report.rejected == {"bad_time": 1}


def test_all_or_nothing_refuses_whole_batch(pm25):
    readings = [Reading("air-1", T0, 90.0), Reading("air-1", T0 + timedelta(minutes=1), -5.0)]
    with pytest.raises(ValidationError, match="outside the physical range"):
        readings_store(readings, all_or_nothing=True)
    assert not SensorHour.objects.exists() and not Event.objects.exists()


def test_noise_sensor_night_limit_and_event_attribute(areas, duty_classes):
    sensor_create(code="noise-1", kind="noise", location=at(INSIDE_C1), noise_zone_class="2")
    night = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # 23:00 local: limit 50 dB(A)
    report = readings_ingest([("noise-1", json.dumps({"value": 55, "time": night.isoformat()}))],
                             received_at=night)
    assert report.episodes_opened == 1
    event = Event.objects.get()
    assert event.small_class.code == "2401" and event.attributes == {"level_db": 55}


def test_water_quality_sensor_opens_black_odor_event(areas, duty_classes):
    sensor_create(code="do-1", kind="dissolved_oxygen", location=at(INSIDE_C1))
    readings_ingest([("do-1", json.dumps({"value": 1.5, "time": T0.isoformat()}))], received_at=RECEIVED)
    event = Event.objects.get()
    assert (event.small_class.code, event.department.code) == ("2301", "SW")


def test_age_limit_is_the_named_setting_and_the_refusal_names_it(pm25, settings):
    """The limit was a constant of the module (30 days) that no setting changed and no refusal named."""
    two_days_old = message(30, 0)[1]  # T0, received 2 days and 3 hours later
    settings.SENSOR_MAX_READING_AGE_DAYS = 1
    report = readings_ingest([("air-1", two_days_old)], received_at=RECEIVED + timedelta(days=2))
    assert report.rejected == {"bad_time": 1}
    assert "more than 1 days before its receipt (GRIDMGMT_SENSOR_MAX_READING_AGE_DAYS)" in report.examples["bad_time"]
    settings.SENSOR_MAX_READING_AGE_DAYS = 3
    assert readings_ingest([("air-1", two_days_old)], received_at=RECEIVED + timedelta(days=2)).accepted == 1


def test_clock_ahead_limit_is_the_named_setting(pm25, settings):
    ten_minutes_ahead = json.dumps({"value": 30, "time": (RECEIVED + timedelta(minutes=10)).isoformat()})
    report = readings_ingest([("air-1", ten_minutes_ahead)], received_at=RECEIVED)
    assert "(GRIDMGMT_SENSOR_MAX_CLOCK_AHEAD_MINUTES)" in report.examples["bad_time"]
    settings.SENSOR_MAX_CLOCK_AHEAD_MINUTES = 15
    assert readings_ingest([("air-1", ten_minutes_ahead)], received_at=RECEIVED).accepted == 1


@pytest.mark.parametrize(("payload", "named"), [
    ('{"value": 30, "time": "2026-11-02T02:00:00+00:00"}'.encode("utf-16"), "this is UTF-16"),  # with BOM
    ('{"value": 30, "time": "2026-11-02T02:00:00+00:00"}'.encode("utf-16-le"), "this is UTF-16-LE"),
    ('{"value": 30, "time": "2026-11-02T02:00:00+00:00"}'.encode("utf-16-be"), "this is UTF-16-BE"),
    ('{"value": 30, "time": "2026-11-02T02:00:00+00:00"}'.encode("utf-32"), "this is UTF-32"),
    (b'{"value": 30, "note": "\xb9\xe3\xd6\xdd"}', "byte 0xb9 at position 23 is not UTF-8"),  # GBK 广州
], ids=["utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk"])
def test_payload_not_in_utf8_refused_as_not_utf8(pm25, payload, named):
    """UTF-16 and UTF-32 payloads were stored (json.loads guesses them from the first bytes); JSON between
    systems must be UTF-8 (RFC 8259 section 8.1)."""
    report = readings_ingest([("air-1", payload)], received_at=RECEIVED)
    assert (report.accepted, dict(report.rejected)) == (0, {"not_utf8": 1})
    assert "JSON must be UTF-8 (RFC 8259 §8.1)" in report.examples["not_utf8"] and named in report.examples["not_utf8"]
    assert not SensorHour.objects.exists()


def test_payload_in_utf8_with_a_byte_order_mark_is_read(pm25):
    """RFC 8259 section 8.1 lets a parser ignore a UTF-8 BOM; one rule, so it is ignored everywhere."""
    assert readings_ingest([("air-1", b"\xef\xbb\xbf" + message(30, 0)[1])], received_at=RECEIVED).accepted == 1


def hour_totals():
    return list(SensorHour.objects.order_by("hour").values_list("hour", "count", "value_sum", "exceeding_count"))


def test_batch_delivered_again_is_counted_once_and_reported_as_duplicates(pm25):
    """An MQTT redelivery or a resend after a lost PUBACK: every reading of the batch was counted twice in
    its hourly row (count 7 -> 14, exceeding 4 -> 8)."""
    batch = [message(v, i) for i, v in enumerate([40, 80, 120, 95, 70, 60, 90])]
    first = readings_ingest(batch, received_at=RECEIVED)
    stored = hour_totals()
    again = readings_ingest(batch, received_at=RECEIVED + timedelta(minutes=5))
    assert (first.accepted, first.duplicates) == (7, 0)
    assert (again.accepted, again.duplicates, dict(again.rejected)) == (0, 7, {})
    assert (again.episodes_opened, again.episodes_closed) == (0, 0)
    assert hour_totals() == stored == [(T0, 7, 555, 4)]  # 40+80+...+90; 80, 120, 95, 90 above 75
    assert Event.objects.count() == 1 and SensorEpisode.objects.get().readings == 4  # resumed at minute 6


def test_reading_repeated_inside_one_batch_counted_once(pm25):
    report = readings_ingest([message(30, 0), message(31, 1), message(30, 0), message(31, 1)], received_at=RECEIVED)
    assert (report.accepted, report.duplicates) == (2, 2)
    assert hour_totals() == [(T0, 2, 61, 0)]


def test_late_exceeding_reading_sent_again_after_its_episode_closed_opens_nothing(pm25):
    readings_ingest([message(90, 0), message(120, 1), message(50, 5)], received_at=RECEIVED)
    report = readings_ingest([message(120, 1), message(90, 0)], received_at=RECEIVED)  # resent, out of order
    assert (report.duplicates, report.episodes_opened) == (2, 0)
    assert Event.objects.count() == 1 and SensorEpisode.objects.get().readings == 2
    assert hour_totals() == [(T0, 3, 260, 2)]


def test_same_reading_with_another_value_is_refused_as_conflict_first_value_stands(pm25):
    readings_ingest([message(30, 0)], received_at=RECEIVED)
    report = readings_ingest([message(300, 0), message(40, 1), message(41, 1)], received_at=RECEIVED)
    assert (report.accepted, report.duplicates, dict(report.rejected)) == (1, 0, {"conflict": 2})
    assert "air-1: its reading at 2026-11-02T02:00:00+00:00 is stored with value 30; another value (300) " \
           "is refused" in report.examples["conflict"]
    assert hour_totals() == [(T0, 2, 70, 0)] and not Event.objects.exists()


def test_readings_without_device_time_have_no_identity_and_are_all_counted(pm25):
    """Dated at receipt, two readings of one batch share a time: they are two readings, not a repetition."""
    report = readings_ingest([("air-1", b'{"value": 30}'), ("air-1", b'{"value": 30}')], received_at=RECEIVED)
    assert (report.accepted, report.duplicates) == (2, 0)
    assert SensorHour.objects.get().count == 2


def test_reading_keys_past_the_age_limit_are_forgotten(pm25, settings):
    from gridmgmt.sensors.ingest import reading_keys_forget
    from gridmgmt.sensors.models import SensorReadingKey

    readings_ingest([message(30, 0), message(31, 120)], received_at=RECEIVED)
    settings.SENSOR_MAX_READING_AGE_DAYS = 1
    assert reading_keys_forget(now=T0 + timedelta(days=1, hours=1)) == 1
    assert list(SensorReadingKey.objects.values_list("measured_at", flat=True)) == [T0 + timedelta(minutes=120)]


def unit_message(value, unit, minutes=0):
    return "air-1", json.dumps({"value": value, "unit": unit,
                                "time": (T0 + timedelta(minutes=minutes)).isoformat()}).encode()


@pytest.mark.parametrize(("value", "unit"), [(80, "µg/m³"), (80, "μg/m3"), (80, "ug/m3"), (0.08, "mg/m³")])
def test_reading_in_a_unit_of_its_kind_is_stored_in_the_standards_unit(pm25, value, unit):
    """0.08 mg/m³ was stored as 0.08 µg/m³: the unit was ignored and an 80 µg/m³ exceedance went unseen."""
    report = readings_ingest([unit_message(value, unit)], received_at=RECEIVED)
    assert (report.accepted, report.episodes_opened) == (1, 1)
    assert SensorHour.objects.get().value_max == pytest.approx(80)


@pytest.mark.parametrize("unit", ["ppm", "dB(A)", "", 75, "µg/m³" * 10])
def test_reading_in_a_unit_that_is_not_its_kinds_is_refused_as_bad_unit(pm25, unit):
    report = readings_ingest([unit_message(80, unit)], received_at=RECEIVED)
    assert (report.accepted, dict(report.rejected)) == (0, {"bad_unit": 1})
    assert "is not a unit of pm25 readings: give µg/m³ (or ug/m3, mg/m3)" in report.examples["bad_unit"]
    assert not SensorHour.objects.exists()


def test_value_wavering_around_the_limit_is_one_exceedance_one_event(pm25):
    """76 and 74 µg/m³ in turn every second (limit 75) opened an episode, an event and a case at each
    crossing: 100 in 200 seconds. Above again within SENSOR_EPISODE_RESUME_MINUTES resumes the episode."""
    batch = [message(76 if i % 2 else 74, i / 60) for i in range(200)]
    report = readings_ingest(batch[:100], received_at=RECEIVED)
    report.merge(readings_ingest(batch[100:], received_at=RECEIVED))  # across batches too
    assert (report.episodes_opened, report.episodes_closed, report.episodes_resumed) == (1, 99, 99)
    episode = SensorEpisode.objects.get()
    assert Event.objects.count() == 1 and (episode.readings, episode.ended_at) == (100, None)  # the last is 76
    assert SensorHour.objects.get().exceeding_count == 100


def test_above_the_limit_again_after_the_resume_window_is_a_new_exceedance(pm25, settings):
    settings.SENSOR_EPISODE_RESUME_MINUTES = 10
    readings_ingest([message(90, 0), message(50, 1), message(95, 10)], received_at=RECEIVED)  # 9 min: resumed
    readings_ingest([message(50, 11), message(99, 22)], received_at=RECEIVED)  # 11 min: a new one
    assert list(SensorEpisode.objects.order_by("started_at").values_list("readings", "peak_value", "ended_at")) == [
        (2, 95, T0 + timedelta(minutes=11)), (1, 99, None)]
    assert Event.objects.count() == 2


@pytest.mark.parametrize("finished", ["closed", "cancelled"])
def test_above_the_limit_again_after_its_case_was_finished_is_a_new_exceedance(pm25, finished):
    # Before: resumed within the window into the finished episode, so the new exceedance opened no event.
    readings_ingest([message(90, 0), message(50, 1)], received_at=RECEIVED)
    Event.objects.update(status=finished)  # the case was closed or cancelled meanwhile
    report = readings_ingest([message(95, 10)], received_at=RECEIVED)  # 9 minutes later, inside the window
    assert (report.episodes_opened, report.episodes_resumed) == (1, 0)
    assert Event.objects.exclude(status=finished).count() == 1


def test_reading_identity_is_the_instant_to_the_microsecond(pm25):
    """Keys travel as microseconds since the epoch: the same instant in another offset is the same reading,
    one microsecond later is another one."""
    utc = T0 + timedelta(minutes=59, seconds=59, microseconds=999999)
    same = utc.astimezone(timezone(timedelta(hours=8))).isoformat()
    report = readings_ingest([("air-1", json.dumps({"value": 30, "time": utc.isoformat()})),
                              ("air-1", json.dumps({"value": 30, "time": same})),
                              ("air-1", json.dumps({"value": 31, "time": (utc + timedelta(microseconds=1)).isoformat()}))],
                             received_at=RECEIVED)
    assert (report.accepted, report.duplicates) == (2, 1)
    assert hour_totals() == [(T0, 1, 30, 0), (T0 + timedelta(hours=1), 1, 31, 0)]
