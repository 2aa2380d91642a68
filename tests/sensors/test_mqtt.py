"""Readings over MQTT through a real Mosquitto started by the test (OS package binary, free port).

Transactional: the consumer's event thread has its own database connection.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from django.contrib.gis.geos import Point

from gridmgmt.events.models import Event
from gridmgmt.sensors.broker_process import mosquitto_running
from gridmgmt.sensors.models import SensorEpisode, SensorHour
from gridmgmt.sensors.mqtt import MqttConsumer, sensor_code_from_topic
from gridmgmt.sensors.services import sensor_create
from tests.sensors.conftest import INSIDE_C1, INSIDE_C2
from tests.test_runserver_connections import REPO, database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_port():
    with mosquitto_running() as port:
        yield port


def publish_all(port: int, messages: list[tuple[str, bytes]], qos: int = 1) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = [client.publish(topic, payload, qos=qos) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(timeout=10)
    client.disconnect()
    client.loop_stop()


def test_exceedance_over_mqtt_opens_one_event_in_the_sensors_grid_bad_messages_counted(
        areas, duty_classes, broker_port):
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    sensor_create(code="air-2", kind="pm10", location=Point(INSIDE_C2[1], INSIDE_C2[0], srid=4326))
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    good = [("gridmgmt/sensors/air-1/readings", json.dumps(
        {"value": value, "time": (start + timedelta(minutes=i)).isoformat()}).encode())
        for i, value in enumerate([90, 160, 180, 170, 120, 100])]  # limit 150: one episode, minutes 1-3
    good += [("gridmgmt/sensors/air-2/readings", json.dumps(
        {"value": 40, "time": start.isoformat()}).encode())]
    bad = [("gridmgmt/sensors/air-1/readings", b"\xff\xfe garbage"),
           ("gridmgmt/sensors/air-1/readings", json.dumps({"value": 40, "time": start.isoformat()}).encode("utf-16")),
           ("gridmgmt/sensors/air-1/readings", b"{not json"),
           ("gridmgmt/sensors/nobody/readings", b'{"value": 1}'),
           ("gridmgmt/sensors/air-1/readings", b'{"value": 99999}'),
           ("gridmgmt/sensors/air-1/other", b'{"value": 1}')]  # matches no subscription: never arrives
    consumer = MqttConsumer(port=broker_port, batch_seconds=0.1)
    consumer.start()
    publish_all(broker_port, bad[:2] + good[:3] + bad[2:] + good[3:])
    report = consumer.run(max_readings=len(good) + len(bad) - 1, idle_exit_s=5)

    assert report.accepted == 7
    # UTF-16 (the second, a well-formed reading) was stored before JSON had to be UTF-8 (RFC 8259 §8.1)
    assert report.rejected == {"not_utf8": 2, "malformed_json": 1, "unknown_sensor": 1, "out_of_range": 1}
    event = Event.objects.get()
    assert (event.channel, event.grid_code, event.department.code) == ("sensor", "44010400100101", "STHJ")
    episode = SensorEpisode.objects.get()
    assert episode.event == event and episode.peak_value == 180
    assert episode.ended_at == start + timedelta(minutes=4)
    assert sum(h.count for h in SensorHour.objects.all()) == 7


def test_topic_shape_checked():
    assert sensor_code_from_topic("gridmgmt/sensors/do-3/readings") == "do-3"
    with pytest.raises(Exception, match="bad_topic"):
        sensor_code_from_topic("gridmgmt/sensors//readings")


@pytest.mark.parametrize("code", ["a\x00b", "x" * 65, "air 1", "空气-1", "+", "#"])
def test_topic_whose_code_no_sensor_can_have_refused(code):
    with pytest.raises(Exception, match="bad_topic.*is not a sensor code"):
        sensor_code_from_topic(f"gridmgmt/sensors/{code}/readings")


def test_hostile_messages_are_counted_and_the_consumer_stores_on(areas, duty_classes, broker_port):
    """Each of these failed its whole batch (RecursionError, OverflowError, ValueError, NUL in a query), which
    was then kept unacknowledged and tried again forever: the consumer stored nothing more."""
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    topic = "gridmgmt/sensors/air-1/readings"
    hostile = [(topic, b"[" * 100000 + b"]" * 100000),
               (topic, b'{"value": 1' + b"0" * 400 + b"}"),
               (topic, b'{"value": 10, "time": "0001-01-01T00:00:00+14:00"}'),
               ("gridmgmt/sensors/" + "x" * 10000 + "/readings", b'{"value": 10}')]
    consumer = MqttConsumer(port=broker_port, batch_seconds=0.5)
    consumer.start()
    publish_all(broker_port, hostile + [reading(40, 1)])
    report = consumer.run(max_readings=len(hostile) + 1, idle_exit_s=5)
    assert consumer.store_failures == 0
    assert (report.accepted, dict(report.rejected)) == (1, {"malformed_json": 1, "bad_value": 1, "bad_time": 1,
                                                            "bad_topic": 1})
    assert len(report.examples["bad_topic"]) < 300  # the 10,000-character code is not logged whole
    assert SensorHour.objects.get().count == 1


def test_persistent_session_keeps_readings_sent_while_the_consumer_was_down(areas, duty_classes, broker_port):
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    first = MqttConsumer(port=broker_port, batch_seconds=0.1, client_id="gridmgmt-sensors-test")
    first.start()
    first.run(max_readings=0, idle_exit_s=0.2)  # subscribed, then disconnected: the broker keeps the session
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    publish_all(broker_port, [("gridmgmt/sensors/air-1/readings",
                               json.dumps({"value": 50, "time": at.isoformat()}).encode())])
    again = MqttConsumer(port=broker_port, batch_seconds=0.1, client_id="gridmgmt-sensors-test")
    again.start()
    assert again.run(max_readings=1, idle_exit_s=5).accepted == 1


def _anchor() -> datetime:
    """A past moment at least 15 minutes into its clock hour: readings a test dates back from it (up to 10
    minutes apart) share one hourly row whatever the time the tests run (from now, they crossed an hour
    when the suite ran in an hour's first minutes)."""
    now = datetime.now(UTC).replace(microsecond=0)
    return now if now.minute >= 15 else now.replace(minute=0, second=0) - timedelta(minutes=1)


ANCHOR = _anchor()


def reading(value: float, minutes_ago: float, code: str = "air-1") -> tuple[str, bytes]:
    at = ANCHOR - timedelta(minutes=minutes_ago)
    return f"gridmgmt/sensors/{code}/readings", json.dumps({"value": value, "time": at.isoformat()}).encode()


def test_consumer_survives_the_broker_stopping_and_coming_back(areas, duty_classes):
    """Broker down, then up again on the same port: the consumer reconnects, subscribes again, stores."""
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    with mosquitto_running() as port:
        consumer = MqttConsumer(port=port, batch_seconds=0.1)
        assert consumer.start()
        publish_all(port, [reading(50, 3)])
        first = consumer.messages.get(timeout=10)  # the first broker delivered
    assert consumer.connections == 1
    consumer.subscribed.clear()
    with mosquitto_running(port=port):  # the restarted broker knows no subscription: the consumer renews it
        assert consumer.subscribed.wait(60), "no new subscription after the broker came back"
        publish_all(port, [reading(200, 1)])  # above the PM10 limit: an episode and its event
        consumer.messages.put(first)
        report = consumer.run(max_readings=2, idle_exit_s=10)
    assert consumer.connections == 2
    assert report.accepted == 2 and report.episodes_opened == 1
    assert SensorHour.objects.get().count == 2
    assert Event.objects.get().grid_code == "44010400100101"


def test_consumer_starts_before_the_broker_and_waits_for_it(areas, duty_classes):
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    from gridmgmt.sensors.broker_process import free_port
    port = free_port()
    consumer = MqttConsumer(port=port, batch_seconds=0.1)
    assert not consumer.start(wait_subscribed_s=0.5)  # nobody listens yet: no error, it keeps trying
    with mosquitto_running(port=port):
        assert consumer.subscribed.wait(60)
        publish_all(port, [reading(60, 1)])
        assert consumer.run(max_readings=1, idle_exit_s=10).accepted == 1


def test_episode_stored_without_its_event_gets_it_at_the_next_start(areas, duty_classes, broker_port):
    """The event thread's catch-up: an episode whose event was not opened before the process stopped."""
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    from gridmgmt.sensors.ingest import readings_ingest
    stored = readings_ingest([("air-1", reading(300, 2)[1])], open_events=False)
    assert stored.pending_episode_ids and not Event.objects.exists()
    consumer = MqttConsumer(port=broker_port, batch_seconds=0.1)
    consumer.start()
    report = consumer.run(max_readings=0, idle_exit_s=0.2)
    episode = SensorEpisode.objects.get()
    assert report.event_ids == [episode.event_id] and Event.objects.get().channel == "sensor"


def test_database_failure_mid_batch_stores_nothing_of_it_acknowledges_nothing_and_stores_it_later(
        areas, duty_classes, monkeypatch):
    """The batch's hourly rows were written and its episode opened when the failure came: all rolled back,
    nothing acknowledged; the same batch stored and acknowledged when the database is back."""
    from django.db import DatabaseError

    from gridmgmt.sensors import ingest
    from gridmgmt.sensors.broker_process import free_port

    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    consumer = MqttConsumer(port=free_port())  # never started: _store is the consumer's thread's step
    acked = []
    monkeypatch.setattr(consumer.client, "ack", lambda mid, qos: acked.append((mid, qos)))

    def failing(rows):
        raise DatabaseError("could not extend file: No space left on device")

    original = ingest._episodes_write
    monkeypatch.setattr(ingest, "_episodes_write", failing)
    batch = [(*reading(40, 3), 7, 0, 1), (*reading(400, 2), 8, 0, 1), (*reading(45, 1), 9, 0, 0)]  # mid, conn, QoS
    assert consumer._store(batch) is False  # the second opens an episode
    assert consumer.store_failures == 3 and acked == []
    assert not SensorHour.objects.exists() and not SensorEpisode.objects.exists() and not Event.objects.exists()
    monkeypatch.setattr(ingest, "_episodes_write", original)  # the database is back
    assert consumer._store(batch) is True
    assert acked == [(7, 1), (8, 1)]  # QoS 0 has nothing to acknowledge
    assert consumer.report.accepted == 3 and SensorHour.objects.get().count == 3


CHILD = """
import sys, django
django.setup()
from gridmgmt.sensors.mqtt import MqttConsumer

class Received(MqttConsumer):
    def _store(self, batch):  # received, never stored: says so and waits to be killed
        print("received", len(batch), flush=True)
        self._stop.wait()

consumer = Received(port=int(sys.argv[1]), client_id=sys.argv[2], batch_size=int(sys.argv[3]), batch_seconds=60)
print("subscribed" if consumer.start() else "not subscribed", flush=True)
consumer.run()
"""


def test_a_consumer_killed_after_receiving_before_storing_loses_nothing(areas, duty_classes, broker_port):
    """SIGKILL with readings received, not stored: unacknowledged, the broker sends them to the restarted
    consumer of the same persistent session, which stores and acknowledges them (a third run gets none)."""
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    sent = [reading(50 + i, 10 - i) for i in range(5)]
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "gridmgmt.settings"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(broker_port), "gridmgmt-sensors-killed",
                              str(len(sent))], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "subscribed"
        publish_all(broker_port, sent)
        assert child.stdout.readline().strip() == f"received {len(sent)}"
    finally:
        child.kill()  # SIGKILL
        child.wait(timeout=30)
    assert not SensorHour.objects.exists()
    again = MqttConsumer(port=broker_port, batch_seconds=0.1, client_id="gridmgmt-sensors-killed")
    again.start()
    assert again.run(max_readings=len(sent), idle_exit_s=30).accepted == len(sent)
    assert SensorHour.objects.get().count == len(sent)
    third = MqttConsumer(port=broker_port, batch_seconds=0.1, client_id="gridmgmt-sensors-killed")
    third.start()
    assert third.run(idle_exit_s=1).accepted == 0  # all acknowledged: nothing sent again


def test_a_full_queue_holds_the_network_thread_back_and_loses_nothing(areas, duty_classes, broker_port):
    """QoS 0 (no broker window): 6 readings for a queue of 2; the network thread waits while it is full,
    the rest stays in the socket and at the broker, and all 6 are stored."""
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    consumer = MqttConsumer(port=broker_port, batch_size=2, batch_seconds=0.1, max_queued=2)
    consumer.start()
    publish_all(broker_port, [reading(50 + i, 10 - i) for i in range(6)], qos=0)
    queued = consumer.messages
    with queued.not_empty:  # notified at every put; len() since full() would take the lock held here
        assert queued.not_empty.wait_for(lambda: len(queued.queue) == 2, timeout=10)
    assert consumer.run(max_readings=6, idle_exit_s=10).accepted == 6
    assert SensorHour.objects.get().count == 6


def test_readings_published_again_are_stored_once_and_counted_as_duplicates(areas, duty_classes, broker_port):
    """A device that resends after a lost PUBACK (or a redelivery after a dropped connection): the hourly row
    counted each reading twice and its exceedances twice."""
    sensor_create(code="air-1", kind="pm10", location=Point(INSIDE_C1[1], INSIDE_C1[0], srid=4326))
    sent = [reading(v, 10 - i) for i, v in enumerate([50, 200, 210, 60])]
    consumer = MqttConsumer(port=broker_port, batch_seconds=0.1)
    consumer.start()
    publish_all(broker_port, sent)
    publish_all(broker_port, sent[1:3])
    report = consumer.run(max_readings=len(sent) + 2, idle_exit_s=5)
    assert (report.accepted, report.duplicates, report.episodes_opened) == (4, 2, 1)
    hour = SensorHour.objects.get()
    assert (hour.count, hour.value_sum, hour.exceeding_count) == (4, 520, 2)
    assert Event.objects.count() == 1 and SensorEpisode.objects.get().readings == 2
