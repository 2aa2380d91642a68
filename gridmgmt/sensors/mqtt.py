"""The MQTT front door for readings: subscribe, batch, store through :mod:`gridmgmt.sensors.ingest`.

Topic: ``gridmgmt/sensors/<sensor code>/readings``; payload as
:func:`gridmgmt.sensors.ingest.reading_parse`. paho-mqtt's network thread
only queues messages; the caller's thread stores them in batches (one
transaction per batch, so a few statements per thousand readings). A bad
message is counted under its reason; a database failure loses that batch,
is logged and counted, and the consumer goes on.

Delivery is at most once past the broker: a message is acknowledged when
received (QoS 1 to the broker), so readings still queued in memory when the
process dies are lost (at most one batch, a fraction of a second). While the
consumer is down, the broker keeps the readings of its persistent session
(``mqtt_consume --client-id``).
"""

import logging
import queue
import threading
import time
import uuid

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections

from gridmgmt.sensors.ingest import IngestReport, ReadingRejected, readings_ingest

log = logging.getLogger(__name__)

TOPIC = "gridmgmt/sensors/+/readings"


def sensor_code_from_topic(topic: str) -> str:
    """``gridmgmt/sensors/air-1/readings`` → ``air-1``; ReadingRejected for any other topic shape."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["gridmgmt", "sensors"] or parts[3] != "readings" or not parts[2]:
        raise ReadingRejected("bad_topic", f"topic {topic!r} is not gridmgmt/sensors/<code>/readings")
    return parts[2]


class MqttConsumer:
    """Subscribe to readings on ``host:port`` and store them in batches of up to ``batch_size``."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 1883, topic: str = TOPIC,
                 batch_size: int = 2000, batch_seconds: float = 0.2, client_id: str | None = None):
        """``client_id`` given: a persistent session (the broker keeps QoS 1 readings while the consumer is
        down, up to its ``max_queued_messages``); None: a throw-away session (tests, benchmarks)."""
        self.topic, self.batch_size, self.batch_seconds = topic, batch_size, batch_seconds
        self.messages: queue.SimpleQueue = queue.SimpleQueue()
        self.report = IngestReport()
        self.store_failures = 0
        self.subscribed = threading.Event()
        self._stop = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"gridmgmt-sensors-{uuid.uuid4().hex[:8]}",
                                  clean_session=client_id is None)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.on_message = lambda client, userdata, msg: self.messages.put((msg.topic, msg.payload))
        self.client.connect_async(host, port, keepalive=30)

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        client.subscribe(self.topic, qos=1)  # again after every reconnect

    def start(self, *, wait_subscribed_s: float = 10.0) -> None:
        """Connect in paho's network thread; RuntimeError if not subscribed within the wait."""
        self.client.loop_start()
        if not self.subscribed.wait(wait_subscribed_s):
            self.client.loop_stop()
            raise RuntimeError("MQTT broker did not accept the subscription in time")

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, max_readings: int | None = None, idle_exit_s: float | None = None,
            on_batch=None) -> IngestReport:
        """Store batches until stopped, ``max_readings`` messages handled, or ``idle_exit_s`` with none."""
        handled, last_message = 0, time.monotonic()
        try:
            while not self._stop.is_set():
                batch = self._next_batch()
                if not batch:
                    if idle_exit_s is not None and time.monotonic() - last_message > idle_exit_s:
                        break
                    continue
                last_message = time.monotonic()
                self._store(batch)
                handled += len(batch)
                if on_batch:
                    on_batch(self.report)
                if max_readings is not None and handled >= max_readings:
                    break
        finally:
            self.client.disconnect()
            self.client.loop_stop()
        return self.report

    def _next_batch(self) -> list[tuple[str, bytes]]:
        batch, deadline = [], time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size:
            try:
                batch.append(self.messages.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[tuple[str, bytes]]) -> None:
        messages, report = [], IngestReport()
        for topic, payload in batch:
            try:
                messages.append((sensor_code_from_topic(topic), payload))
            except ReadingRejected as error:
                report.reject(error)
        try:
            report.merge(readings_ingest(messages))
        except DatabaseError:
            # The batch is lost, not the consumer: the next batch gets a fresh connection.
            log.exception("storing %d sensor readings failed", len(messages))
            self.store_failures += len(messages)
            close_old_connections()
        self.report.merge(report)
