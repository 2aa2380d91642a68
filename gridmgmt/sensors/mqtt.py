"""The MQTT front door for readings: subscribe, batch, store through :mod:`gridmgmt.sensors.ingest`.

Topic: ``gridmgmt/sensors/<sensor code>/readings``; payload as
:func:`gridmgmt.sensors.ingest.reading_parse`. Three threads:

* paho-mqtt's network thread only queues messages, in a bounded queue;
* the caller's thread stores them in batches (one transaction per batch, a
  few statements per thousand readings), then acknowledges them;
* an event thread opens the routed events of the exceedance episodes the
  batches stored (:func:`gridmgmt.sensors.ingest.episode_events_open`), so
  the intake core's work per event (locating, routing, the case) never holds
  up readings. An episode whose event is not open yet when the process stops
  gets it at the next start (the episode's id is the event's idempotency key).

A bad message is counted under its reason (and acknowledged: it is handled).
A failure storing a batch (the database down, say) is logged and counted;
the batch, unacknowledged, is stored again after a pause growing to
:data:`STORE_RETRY_S` until it is stored or the consumer stops. The broker
being down or restarting is not fatal either:
paho reconnects with backoff (:data:`RECONNECT_DELAY_S`) for as long as the
process lives and the subscription is renewed on every connection, so the
consumer can run under honcho and systemd (which stop everything, or restart
it, when it exits).

Delivery is at least once (QoS 1): paho's manual acknowledgement
(``Client(manual_ack=True)``) — a reading is acknowledged (PUBACK) only
after the transaction storing its batch committed. Readings received but
not stored when the process dies (killed, crashed) are unacknowledged: with
the persistent session (``mqtt_consume --client-id``) the broker sends them
again at the next connection, as it sends the readings that came while the
consumer was down. A reading stored whose acknowledgement was lost to a
dropped connection comes again (acknowledgements are only sent on the
connection the message came on, where its packet id means it): its key is
known (:class:`gridmgmt.sensors.models.SensorReadingKey`), so it is counted
as a duplicate and changes nothing.

Memory is bounded: the broker sends at most ``max_inflight_messages``
unacknowledged QoS 1 messages (deploy/mosquitto-gridmgmt.conf: 4,000, two
batches), and the queue holds at most :attr:`MqttConsumer.max_queued`
messages of any QoS; when it is full the network thread waits, so nothing
more is read from the socket and the broker keeps the rest (up to its
``max_queued_messages`` for a persistent session).
"""

import logging
import queue
import sys
import threading
import time
import uuid

import paho.mqtt.client as mqtt
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from gridmgmt.sensors.ingest import IngestReport, ReadingRejected, shown, episode_events_open, readings_ingest
from gridmgmt.sensors.models import Sensor

log = logging.getLogger(__name__)

TOPIC = "gridmgmt/sensors/+/readings"
RECONNECT_DELAY_S = (1, 30)  # paho doubles the wait after each failed attempt, from the first to the second
# The GIL switch interval while a consumer runs (Python's default: 5 ms). Each return from the database
# waits for the GIL that paho's busy network thread holds for up to one interval; with 0.5 ms the
# readings stored per second rose in each of 5 alternating pairs of bench runs (20,000 QoS 1 readings,
# loaded 2-CPU machine: median 1,817 → 2,650 readings/s) at the same CPU per reading.
SWITCH_INTERVAL_S = 0.0005
STORE_RETRY_S = (0.5, 30)  # pause before storing a failed batch again: the first, doubled up to the second
_SWEEP, _DONE = object(), object()  # marks for the event thread: every pending episode; stop


def sensor_code_from_topic(topic: str) -> str:
    """``gridmgmt/sensors/air-1/readings`` → ``air-1``; ReadingRejected for any other topic shape.

    The code segment must be one a sensor can have (the model field's slug of at most 64 characters):
    a code with a NUL, should a broker pass one, failed its batch's query, and the batch was tried again
    forever; a 10,000-character one was logged whole.
    """
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["gridmgmt", "sensors"] or parts[3] != "readings" or not parts[2]:
        raise ReadingRejected("bad_topic", f"topic {shown(topic)} is not gridmgmt/sensors/<code>/readings")
    try:
        Sensor._meta.get_field("code").run_validators(parts[2])
    except ValidationError:
        raise ReadingRejected("bad_topic", f"topic {shown(topic)}: {shown(parts[2])} is not a sensor code "
                                           "(letters, digits, - and _, at most 64)") from None
    return parts[2]


class MqttConsumer:
    """Subscribe to readings on ``host:port`` and store them in batches of up to ``batch_size``.

    ``messages`` holds (topic, payload, mid, connection number, QoS) as received, at most ``max_queued``.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 1883, topic: str = TOPIC,
                 batch_size: int = 2000, batch_seconds: float = 0.2, client_id: str | None = None,
                 max_queued: int | None = None):
        """``client_id`` given: a persistent session (the broker keeps QoS 1 readings while the consumer is
        down, up to its ``max_queued_messages``, and sends the unacknowledged ones again); None: a throw-away
        session (tests, benchmarks). ``max_queued``: messages held in memory (default two batches)."""
        self.topic, self.batch_size, self.batch_seconds = topic, batch_size, batch_seconds
        self.max_queued = max_queued or 2 * batch_size
        self.messages: queue.Queue = queue.Queue(maxsize=self.max_queued)
        self.report = IngestReport()
        self.store_failures = 0  # readings in batches whose storing failed (each attempt; they are kept)
        self.connections = 0  # successful connections (1 + reconnects)
        self.subscribed = threading.Event()
        self._stop = threading.Event()
        self._episodes: queue.SimpleQueue = queue.SimpleQueue()  # ids of episodes waiting for their event
        self._events_thread: threading.Thread | None = None
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"gridmgmt-sensors-{uuid.uuid4().hex[:8]}",
                                  clean_session=client_id is None, manual_ack=True)
        self.client.reconnect_delay_set(*RECONNECT_DELAY_S)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect_async(host, port, keepalive=30)
        self.where = f"{host}:{port}"

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT broker %s refused the connection: %s", self.where, reason_code)
            return
        self.connections += 1
        if self.connections > 1:
            log.warning("MQTT broker %s: connected again", self.where)
        client.subscribe(self.topic, qos=1)  # again after every reconnect (a restarted broker forgets it)

    def _on_message(self, client, userdata, msg):
        """paho's network thread: queue the message; while the queue is full, wait (reading nothing more)."""
        item = (msg.topic, msg.payload, msg.mid, self.connections, msg.qos)
        while not self._stop.is_set():
            try:
                self.messages.put(item, timeout=0.5)
                return
            except queue.Full:
                continue  # stopping: left unacknowledged, so the broker sends it again to the next session

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        if not self._stop.is_set():
            log.warning("MQTT broker %s: disconnected (%s); reconnecting", self.where, reason_code)

    def start(self, *, wait_subscribed_s: float = 10.0) -> bool:
        """Connect in paho's network thread (retried until it works) and start the event thread.

        Returns whether the subscription was accepted within the wait; False
        is not an error: the consumer keeps trying while the broker is away.
        """
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)  # process-wide; restored when run() ends
        self.client.loop_start()
        self._events_thread = threading.Thread(target=self._open_events, name="sensor-events", daemon=True)
        self._events_thread.start()
        self._episodes.put(_SWEEP)  # first: episodes a previous run stored without their event
        return self.subscribed.wait(wait_subscribed_s)

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, max_readings: int | None = None, idle_exit_s: float | None = None,
            on_batch=None) -> IngestReport:
        """Store batches until stopped, ``max_readings`` messages handled, or ``idle_exit_s`` with none;
        then wait for the events of the episodes stored."""
        handled, last_message = 0, time.monotonic()
        try:
            while not self._stop.is_set():
                batch = self._next_batch()
                if not batch:
                    if idle_exit_s is not None and time.monotonic() - last_message > idle_exit_s:
                        break
                    continue
                last_message = time.monotonic()
                self._store_until_stored(batch)
                handled += len(batch)
                if on_batch:
                    on_batch(self.report)
                if max_readings is not None and handled >= max_readings:
                    break
        finally:
            self._stop.set()
            self.client.disconnect()
            self.client.loop_stop()
            if self._events_thread is not None:
                self._episodes.put(_DONE)
                self._events_thread.join()
                sys.setswitchinterval(self._switch_interval)
        return self.report

    def _next_batch(self) -> list[tuple]:
        batch, deadline = [], time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size:
            try:
                batch.append(self.messages.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _store_until_stored(self, batch: list[tuple]) -> None:
        """Store ``batch``, again after a growing pause while it fails, until stored or stopped."""
        pause = STORE_RETRY_S[0]
        while not self._store(batch) and not self._stop.wait(pause):
            pause = min(2 * pause, STORE_RETRY_S[1])

    def _store(self, batch: list[tuple]) -> bool:
        """Store one batch in one transaction and acknowledge its QoS 1 messages; False (nothing stored,
        nothing acknowledged, the failure logged and counted in ``store_failures``) if that failed."""
        messages, report = [], IngestReport()
        for topic, payload, *_ack in batch:
            try:
                messages.append((sensor_code_from_topic(topic), payload))
            except ReadingRejected as error:
                report.reject(error)
        try:
            report.merge(readings_ingest(messages, open_events=False))
        except Exception:  # noqa: BLE001 - whatever failed (mostly the database), the consumer lives on
            log.exception("storing %d sensor readings failed; kept unacknowledged to store again", len(messages))
            self.store_failures += len(messages)
            close_old_connections()  # the next attempt gets a fresh connection
            return False
        for _topic, _payload, mid, connection_number, qos in batch:
            if qos and connection_number == self.connections:  # a packet id means nothing on a later connection
                self.client.ack(mid, qos)
        for pk in report.pending_episode_ids:
            self._episodes.put(pk)
        self.report.merge(report)
        return True

    def _open_events(self) -> None:
        """The event thread: open the events of the episodes the batches stored, in the order stored.

        Takes every id queued at once (one pass for a burst of episodes). A
        database failure is logged; the episodes it left stay pending in the
        database for the next start's sweep.
        """
        try:
            done = False
            while not done:
                items = [self._episodes.get()]
                while True:
                    try:
                        items.append(self._episodes.get_nowait())
                    except queue.Empty:
                        break
                done, sweep = _DONE in items, _SWEEP in items
                ids = [item for item in items if isinstance(item, int)]
                if not (sweep or ids):
                    continue
                try:
                    self.report.event_ids.extend(episode_events_open(None if sweep else ids))
                except Exception:  # noqa: BLE001 - the thread must live on; the episodes stay pending
                    log.exception("opening the events of sensor episodes failed")
                    close_old_connections()
        finally:
            connection.close()  # this thread's own connection
