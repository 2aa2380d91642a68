"""Readings in: one core for the MQTT consumer and the HTTP endpoint.

A payload is a JSON object ``{"value": <number>, "time": "<ISO 8601 with
offset>"}`` (``time`` optional: the time of receipt; ``unit`` optional: the
kind's own unit, or one :data:`gridmgmt.sensors.standards.UNIT_FACTORS`
converts exactly, any other refused as ``bad_unit``), in UTF-8 (RFC 8259
§8.1; UTF-16 or UTF-32 is refused as ``not_utf8``). Each bad reading is
counted under a named reason and never stops the batch; the HTTP endpoint
asks for all-or-nothing instead.

A batch is stored in one transaction with a handful of statements whatever
its size: the batch's sensors locked in id order (the HTTP endpoint and the
consumer may write the same sensor), one insert of the readings' keys (a
reading received again is recognised there: :class:`SensorReadingKey`),
one upsert of the hourly rows
(:class:`SensorHour`), one update of the episodes that went on or ended,
one update of the sensors' state; only an episode that opens costs more
(its row and its routed event through the intake core). Statements per
reading matter beyond their own cost: in the MQTT consumer every return
from the database waits for the GIL held by paho's network thread.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError as ParameterError

from gridmgmt.api_params import datetime_value
from gridmgmt.cases.notifications import local_time
from gridmgmt.events.models import CLOSED_STATUSES, Channel
from gridmgmt.events.services import event_create
from gridmgmt.json_input import JSONEncodingError, JSONInputError, json_loads
from gridmgmt.numbers import json_number
from gridmgmt.sensors.models import Sensor, SensorEpisode
from gridmgmt.sensors.standards import KIND_LABELS, KINDS, SensorKind, in_kind_unit, is_night, physical_range_error

log = logging.getLogger(__name__)


def max_clock_ahead() -> timedelta:
    """Clocks of field devices drift; a reading dated further ahead of its receipt is refused, not stored in
    the future (setting ``SENSOR_MAX_CLOCK_AHEAD_MINUTES``, environment ``GRIDMGMT_SENSOR_MAX_CLOCK_AHEAD_MINUTES``)."""
    return timedelta(minutes=settings.SENSOR_MAX_CLOCK_AHEAD_MINUTES)


def max_reading_age() -> timedelta:
    """A device whose clock was reset sends 1970 (or year 1); a broker's persistent session holds a backlog
    for days, not months. Older readings are refused, not filed into hours whose reports are long written
    (setting ``SENSOR_MAX_READING_AGE_DAYS``, environment ``GRIDMGMT_SENSOR_MAX_READING_AGE_DAYS``)."""
    return timedelta(days=settings.SENSOR_MAX_READING_AGE_DAYS)


class ReadingRejected(Exception):
    """A reading refused; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


REASONS = ("bad_topic", "not_utf8", "malformed_json", "missing_value", "bad_value", "bad_time", "unknown_sensor",
           "bad_unit", "out_of_range", "conflict")


class ReadingRefused(ValidationError):
    """A batch refused whole (``readings_store(all_or_nothing=True)``) for one reading; ``reason`` as
    :class:`ReadingRejected`."""

    def __init__(self, error: ReadingRejected):
        super().__init__({"value": error.detail})
        self.reason = error.reason


@dataclass(frozen=True)
class Reading:
    """One measurement; ``keyed`` False when it carries no device time (dated at its receipt): without an
    identity it cannot be recognised when sent again, so it is always counted."""

    sensor_code: str
    measured_at: datetime
    value: float
    keyed: bool = True
    unit: object = None  # as the payload gave it ("unit"); None: the kind's own unit (standards.KINDS)


@dataclass
class IngestReport:
    accepted: int = 0
    duplicates: int = 0  # readings stored before, sent again with the same value: nothing changed
    rejected: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)  # reason -> the first rejection's detail
    episodes_opened: int = 0
    episodes_closed: int = 0
    episodes_resumed: int = 0  # closed, then above the limit again within SENSOR_EPISODE_RESUME_MINUTES
    event_ids: list = field(default_factory=list)
    pending_episode_ids: list = field(default_factory=list)  # opened without their event yet

    def reject(self, error: ReadingRejected) -> None:
        self.rejected[error.reason] += 1
        self.examples.setdefault(error.reason, error.detail)

    def merge(self, other: "IngestReport") -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected.update(other.rejected)
        for reason, detail in other.examples.items():
            self.examples.setdefault(reason, detail)
        self.episodes_opened += other.episodes_opened
        self.episodes_closed += other.episodes_closed
        self.episodes_resumed += other.episodes_resumed
        self.event_ids.extend(other.event_ids)
        self.pending_episode_ids.extend(other.pending_episode_ids)

    def summary(self) -> str:
        rejected = ", ".join(f"{reason} {n} (e.g. {self.examples[reason]})" for reason, n in sorted(self.rejected.items()))
        return (f"accepted {self.accepted}, duplicates {self.duplicates}, rejected {sum(self.rejected.values())}"
                f"{': ' + rejected if rejected else ''}; episodes opened {self.episodes_opened}, "
                f"closed {self.episodes_closed}, resumed {self.episodes_resumed}")


def reading_parse(sensor_code: str, payload, *, received_at: datetime) -> Reading:
    """One reading from a JSON payload (bytes, str or an already-decoded dict); ReadingRejected if bad."""
    if isinstance(payload, (bytes, str)):
        try:  # the request bodies' rule: UTF-8 only, nesting past its depth (RecursionError in json) and NaN refused
            payload = json_loads(payload)
        except JSONEncodingError as exc:
            raise ReadingRejected("not_utf8", f"sensor {sensor_code}: {exc}") from None
        except JSONInputError as exc:
            raise ReadingRejected("malformed_json", f"sensor {sensor_code}: {exc}") from None
    if not isinstance(payload, dict):
        raise ReadingRejected("malformed_json", f"sensor {sensor_code}: expected a JSON object")
    if "value" not in payload:
        raise ReadingRejected("missing_value", f"sensor {sensor_code}: no 'value'")
    value = payload["value"]
    number = json_number(value)
    if number is None:
        raise ReadingRejected("bad_value", f"sensor {sensor_code}: value {shown(value)} is not a number")
    measured_at, keyed = received_at, False
    if payload.get("time") is not None:
        keyed = True
        raw_time = payload["time"]
        try:  # the one rule for a date-time a client sends; it also refuses an offset past year 1 or 9999
            measured_at = datetime_value(raw_time, "time", offset_required=True)
        except ParameterError as exc:
            raise ReadingRejected("bad_time", f"sensor {sensor_code}: {exc.detail['time']}"[:200]) from None
        if measured_at > received_at + max_clock_ahead():
            raise ReadingRejected("bad_time", f"sensor {sensor_code}: time {raw_time} is in the future, more "
                                              f"than {settings.SENSOR_MAX_CLOCK_AHEAD_MINUTES} minutes after its "
                                              "receipt (GRIDMGMT_SENSOR_MAX_CLOCK_AHEAD_MINUTES)")
        if measured_at < received_at - max_reading_age():
            raise ReadingRejected("bad_time", f"sensor {sensor_code}: time {raw_time} is more than "
                                              f"{settings.SENSOR_MAX_READING_AGE_DAYS} days before its receipt "
                                              "(GRIDMGMT_SENSOR_MAX_READING_AGE_DAYS)")
    return Reading(sensor_code, measured_at, number, keyed, payload.get("unit"))


def shown(value, limit: int = 40) -> str:
    """``value`` as the report names it, cut: a rejected reading's detail is logged and kept per reason."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


# Times go to the database as microseconds since the epoch (exact below 2**53, till the year 2255):
# psycopg2 formats a datetime in some 6 µs, an int in 1.5 (12 against 3 ms a 2,000-reading array).
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_AT = "(to_timestamp(0) + {}::float8 * interval '1 microsecond')"


def _epoch_us(at: datetime) -> int:
    return (at - _EPOCH) // _US


_HOURS_UPSERT = f"""
INSERT INTO sensors_sensorhour (sensor_id, hour, count, value_sum, value_min, value_max, exceeding_count)
SELECT sensor_id, date_trunc('hour', {_AT.format("us")}, 'UTC'), count(*), sum(value), min(value), max(value),
       sum(exceeding)
FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::int[]) AS r(sensor_id, us, value, exceeding)
GROUP BY 1, 2
ON CONFLICT (sensor_id, hour) DO UPDATE SET
    count = sensors_sensorhour.count + excluded.count,
    value_sum = sensors_sensorhour.value_sum + excluded.value_sum,
    value_min = least(sensors_sensorhour.value_min, excluded.value_min),
    value_max = greatest(sensors_sensorhour.value_max, excluded.value_max),
    exceeding_count = sensors_sensorhour.exceeding_count + excluded.exceeding_count
"""


# The keys of a batch: RETURNING names those inserted; a key already there is a repetition or a conflict.
_KEYS_INSERT = f"""
INSERT INTO sensors_sensorreadingkey (sensor_id, measured_at, value)
SELECT sensor_id, {_AT.format("us")}, value FROM unnest(%s::bigint[], %s::bigint[], %s::float8[]) AS u(sensor_id, us, value)
ON CONFLICT (sensor_id, measured_at) DO NOTHING
RETURNING sensor_id, (extract(epoch FROM measured_at) * 1000000)::bigint
"""

_KEYS_STORED = f"""
SELECT u.sensor_id, u.us, k.value FROM unnest(%s::bigint[], %s::bigint[]) AS u(sensor_id, us)
JOIN sensors_sensorreadingkey k ON k.sensor_id = u.sensor_id AND k.measured_at = {_AT.format("u.us")}
"""


_EPISODES_UPDATE = """
UPDATE sensors_sensorepisode e SET peak_value = u.peak, readings = u.readings, ended_at = u.ended,
    event_id = coalesce(u.event, e.event_id)  -- the consumer's event thread may have set it meanwhile
FROM unnest(%s::bigint[], %s::float8[], %s::int[], %s::timestamptz[], %s::bigint[])
     AS u(id, peak, readings, ended, event)
WHERE e.id = u.id
"""


_SENSORS_UPDATE = """
UPDATE sensors_sensor s SET last_value = u.value, last_reading_at = u.at, open_episode_id = u.episode
FROM unnest(%s::bigint[], %s::float8[], %s::timestamptz[], %s::bigint[]) AS u(id, value, at, episode)
WHERE s.id = u.id
"""


def readings_store(readings: list[Reading], *, all_or_nothing: bool = False,
                   open_events: bool = True) -> IngestReport:
    """Store a batch: hourly rows, episodes and their events, the sensors' last reading.

    ``open_events`` False: an episode that opens is stored without its event
    and its id listed in ``report.pending_episode_ids``, for
    :func:`episode_events_open` after the commit (the MQTT consumer does that
    in a thread of its own, so routing never holds up the readings).

    Readings of unknown or inactive sensors, in a unit not of their kind
    (``bad_unit``) or physically impossible are counted in the report; a
    ``unit`` the kind converts exactly is converted first
    (:func:`gridmgmt.sensors.standards.in_kind_unit`). With
    ``all_or_nothing`` the first such reading raises :class:`ReadingRefused`
    (a ValidationError) naming it and nothing is stored. A reading older than its sensor's last one is kept in the
    hourly rows but does not move the episode state (late data does not
    reopen the past).

    A reading is stored once (:class:`SensorReadingKey`, by sensor and
    measured time): the same reading again (same value) is counted in
    ``report.duplicates`` and changes nothing; another value for a reading
    stored (or earlier in the batch) is refused as ``conflict`` and the first
    value stands: a device cannot correct a reading by sending it again.
    With ``all_or_nothing`` a conflict refuses the batch; duplicates do not
    (a batch posted twice is answered the same, with nothing stored again).
    """
    report = IngestReport()
    with transaction.atomic():
        codes = sorted({r.sensor_code for r in readings})
        sensors = {s.code: s for s in Sensor.objects.select_for_update(of=("self",)).filter(code__in=codes, active=True)
                   .select_related("open_episode").defer("location").order_by("id")}
        accepted: list[tuple[Reading, Sensor, bool]] = []
        limits = {code: sensor.limit() for code, sensor in sensors.items()}
        for reading in readings:
            sensor = sensors.get(reading.sensor_code)
            try:
                if sensor is None:
                    raise ReadingRejected("unknown_sensor", f"no active sensor {reading.sensor_code!r}")
                if reading.unit is not None:
                    reading = _in_kind_unit(reading, sensor)
                if problem := physical_range_error(sensor.kind, reading.value):
                    raise ReadingRejected("out_of_range", f"sensor {sensor.code} ({sensor.kind}): {problem}")
            except ReadingRejected as error:
                if all_or_nothing:
                    raise ReadingRefused(error) from None
                report.reject(error)
                continue
            accepted.append((reading, sensor, limits[sensor.code].exceeds(reading.value, reading.measured_at)))
        accepted = _first_time_stored(accepted, report, all_or_nothing)
        if not accepted:
            return report
        with connection.cursor() as cursor:
            cursor.execute(_HOURS_UPSERT, [[s.pk for _, s, _ in accepted], [_epoch_us(r.measured_at) for r, _, _ in accepted],
                                           [r.value for r, _, _ in accepted], [int(e) for _, _, e in accepted]])
        report.accepted = len(accepted)
        by_sensor = defaultdict(list)
        for reading, sensor, exceeding in accepted:
            by_sensor[sensor.code].append((reading, exceeding))
        episodes: dict[int, SensorEpisode] = {}  # went on, ended or opened in this batch
        changed = [sensor for code, sensor in sensors.items()
                   if code in by_sensor and _advance(sensor, by_sensor[code], report, episodes, open_events)]
        # One statement each from arrays: Django's bulk_update builds a CASE per
        # row and cost 0.7 s per 2,000-reading batch of 200 sensors.
        if episodes:
            _episodes_write(list(episodes.values()))
        if changed:
            with connection.cursor() as cursor:
                cursor.execute(_SENSORS_UPDATE, [[s.pk for s in changed], [s.last_value for s in changed],
                                                 [s.last_reading_at for s in changed],
                                                 [s.open_episode_id for s in changed]])
    return report


def _in_kind_unit(reading: Reading, sensor: Sensor) -> Reading:
    """``reading`` in its sensor kind's unit, converted from the one it names; ReadingRejected bad_unit."""
    try:
        value = in_kind_unit(sensor.kind, reading.value, reading.unit)
    except ValueError as exc:
        raise ReadingRejected("bad_unit", f"sensor {sensor.code}: {exc}") from None
    return replace(reading, value=value, unit=None)


def _first_time_stored(accepted: list[tuple[Reading, Sensor, bool]], report: IngestReport,
                       all_or_nothing: bool) -> list[tuple[Reading, Sensor, bool]]:
    """The readings of ``accepted`` never stored before, their keys inserted; the others counted in
    ``report`` as duplicates or conflicts (ReadingRefused for a conflict with ``all_or_nothing``).

    One statement for the batch; the stored values are read only when some key was there already.
    """
    first: dict[tuple[int, int], tuple[Reading, Sensor, bool]] = {}  # key -> the batch's first reading
    unkeyed, repeated = [], []  # repeated: a key met before in this batch
    for item in accepted:
        reading, sensor, _ = item
        key = (sensor.pk, _epoch_us(reading.measured_at))
        if not reading.keyed:
            unkeyed.append(item)
        elif key in first:
            repeated.append(item)
        else:
            first[key] = item
    stored: dict[tuple[int, int], float] = {}  # key -> value stored before this batch
    if first:
        keys = list(first)
        with connection.cursor() as cursor:
            cursor.execute(_KEYS_INSERT, [[pk for pk, _ in keys], [us for _, us in keys],
                                          [first[key][0].value for key in keys]])
            if cursor.rowcount != len(keys):  # some were there before: with what value
                inserted = set(cursor.fetchall())
                old = [key for key in keys if key not in inserted]
                cursor.execute(_KEYS_STORED, [[pk for pk, _ in old], [us for _, us in old]])
                stored = {(pk, us): value for pk, us, value in cursor.fetchall()}
    for reading, sensor, _ in [first[key] for key in stored] + repeated:
        key = (sensor.pk, _epoch_us(reading.measured_at))
        earlier = stored[key] if key in stored else first[key][0].value
        if reading.value == earlier:
            report.duplicates += 1
            continue
        error = ReadingRejected("conflict", f"sensor {sensor.code}: its reading at {reading.measured_at.isoformat()} "
                                            f"is stored with value {earlier:g}; another value ({reading.value:g}) "
                                            "is refused, the stored one stands")
        if all_or_nothing:
            raise ReadingRefused(error)
        report.reject(error)
    return [item for key, item in first.items() if key not in stored] + unkeyed


def _episodes_write(rows: list[SensorEpisode]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_EPISODES_UPDATE, [[e.pk for e in rows], [e.peak_value for e in rows],
                                          [e.readings for e in rows], [e.ended_at for e in rows],
                                          [e.event_id for e in rows]])


def _advance(sensor: Sensor, readings: list[tuple[Reading, bool]], report: IngestReport,
             episodes: dict[int, SensorEpisode], open_event: bool) -> bool:
    """Move ``sensor``'s episode state through its new readings in time order; True if its state changed.

    Episodes changed are put in ``episodes`` (by id), written by the caller in one statement.
    """
    changed, closed = False, None
    for reading, exceeding in sorted(readings, key=lambda pair: pair[0].measured_at):
        if sensor.last_reading_at is not None and reading.measured_at <= sensor.last_reading_at:
            continue
        episode = sensor.open_episode
        if exceeding and episode is None and (episode := _resumable(sensor, reading, closed)) is not None:
            episode.ended_at, closed = None, None  # a value wavering around the limit: the same exceedance
            episode.peak_value = _worse(sensor.kind, episode.peak_value, reading.value)
            episode.readings += 1
            sensor.open_episode = episode
            report.episodes_resumed += 1
        elif exceeding and episode is None:
            if closed is not None:  # closed earlier in this batch: stored now, one open episode per sensor
                _episodes_write([closed])
            episode = sensor.open_episode = _episode_open(sensor, reading, report, open_event)
        elif exceeding:
            episode.peak_value = _worse(sensor.kind, episode.peak_value, reading.value)
            episode.readings += 1
        elif episode is not None:
            episode.ended_at = reading.measured_at
            sensor.open_episode, closed = None, episode
            report.episodes_closed += 1
        if episode is not None:
            episodes[episode.pk] = episode
        sensor.last_value, sensor.last_reading_at = reading.value, reading.measured_at
        changed = True
    return changed


def _resumable(sensor: Sensor, reading: Reading, closed: SensorEpisode | None) -> SensorEpisode | None:
    """The sensor's episode that ended at most ``SENSOR_EPISODE_RESUME_MINUTES`` before ``reading``, if any
    (``closed``: the one this batch closed). A value wavering around the limit, a reading every few seconds,
    opened an episode, an event and a case at each crossing (100 in 200 s): it is one exceedance. An episode
    whose event is finished is not resumed."""
    since = reading.measured_at - timedelta(minutes=settings.SENSOR_EPISODE_RESUME_MINUTES)
    if closed is not None:
        episode = closed if closed.ended_at >= since else None
    else:
        episode = (SensorEpisode.objects.filter(sensor_id=sensor.pk, ended_at__gte=since,
                                                ended_at__lte=reading.measured_at).order_by("-ended_at").first())
    # An episode whose case is finished (closed, cancelled) is over: a new exceedance must reach someone.
    if episode is not None and episode.event_id is not None and episode.event.status in CLOSED_STATUSES:
        return None
    return episode


def _worse(kind: str, a: float, b: float) -> float:
    # Low dissolved oxygen, transparency and ORP are the bad direction.
    low_is_bad = kind in (SensorKind.DISSOLVED_OXYGEN, SensorKind.TRANSPARENCY, SensorKind.ORP)
    return min(a, b) if low_is_bad else max(a, b)


def _episode_open(sensor: Sensor, reading: Reading, report: IngestReport, open_event: bool) -> SensorEpisode:
    episode = SensorEpisode.objects.create(sensor=sensor, started_at=reading.measured_at, peak_value=reading.value)
    report.episodes_opened += 1
    if open_event:
        episode.event = _episode_event(episode, sensor)  # stored with the batch's other episode changes
        report.event_ids.append(episode.event_id)
    else:
        report.pending_episode_ids.append(episode.pk)
    return episode


def _episode_event(episode: SensorEpisode, sensor: Sensor):
    """The routed event of ``episode``, through the one intake core (it locates the sensor's point).

    The episode's id is the idempotency key: however often this runs for
    one episode (a retried batch, a restarted consumer), one event.
    """
    spec = KINDS[SensorKind(sensor.kind)]
    attributes = {"level_db": episode.peak_value} if sensor.kind == SensorKind.NOISE else None
    # Stored once and read by the district's staff, whoever's language opened it: the district's language.
    with translation.override(settings.LANGUAGE_CODE):
        description = gettext("Sensor %(code)s %(name)s (%(kind)s) above its limit since %(since)s: "
                              "%(peak)s %(unit)s, limit %(limit)s") % {
            "code": sensor.code, "name": sensor.name, "kind": KIND_LABELS[SensorKind(sensor.kind)],
            "since": local_time(episode.started_at), "peak": f"{episode.peak_value:g}", "unit": spec.unit,
            "limit": _limit_text(sensor.limit(), episode.started_at)}
    return event_create(
        small_class_code=spec.small_class_code, point=sensor.location, channel=Channel.SENSOR,
        description=description, attributes=attributes, idempotency_key=f"sensor-episode-{episode.pk}",
        device_time=episode.started_at).event


def episode_events_open(episode_ids=None) -> list[int]:
    """Open the events of episodes stored without one (``readings_store(open_events=False)``); their ids.

    ``episode_ids`` None: every such episode (a consumer that stopped between
    storing an episode and opening its event catches up at its next start).
    Each event in its own transaction with the episode row locked (waiting
    while a batch writes it), so two consumers never open one twice. An event
    the intake core refuses (ValidationError, e.g. the monitoring class
    missing from the catalogue) is logged and left for the next try.
    """
    pending = SensorEpisode.objects.filter(event__isnull=True).order_by("id")
    if episode_ids is not None:
        pending = pending.filter(pk__in=list(episode_ids))
    opened = []
    for pk in pending.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                episode = (SensorEpisode.objects.select_for_update(of=("self",))
                           .select_related("sensor")
                           .filter(pk=pk, event__isnull=True).first())
                if episode is None:
                    continue
                episode.event = _episode_event(episode, episode.sensor)
                episode.save(update_fields=["event"])
        except ValidationError as error:
            log.error("sensor episode %d: event refused: %s", pk, "; ".join(error.messages))
            continue
        opened.append(episode.event_id)
    return opened


def _limit_text(limit, at: datetime) -> str:
    if limit.threshold is None:
        return gettext("light black-odorous (2015 guide)")
    if limit.threshold_night is not None and is_night(at):
        return gettext("%(limit)s (night)") % {"limit": f"{limit.threshold_night:g}"}
    return f"{limit.threshold:g}"


def readings_ingest(messages, *, received_at: datetime | None = None, open_events: bool = True) -> IngestReport:
    """Parse and store ``messages`` — (sensor_code, payload) pairs — counting the bad ones; never raises for bad input.

    ``open_events`` as :func:`readings_store`.
    """
    received_at = received_at or timezone.now()
    report, readings = IngestReport(), []
    for sensor_code, payload in messages:
        try:
            readings.append(reading_parse(sensor_code, payload, received_at=received_at))
        except ReadingRejected as error:
            report.reject(error)
    if readings:
        report.merge(readings_store(readings, open_events=open_events))
    for reason, detail in report.examples.items():
        log.warning("sensor readings rejected: %s x%d, e.g. %s", reason, report.rejected[reason], detail)
    if report.duplicates:
        log.info("sensor readings received again, not counted again: %d", report.duplicates)
    return report


def reading_keys_forget(*, now: datetime | None = None) -> int:
    """Delete the reading keys past the readings' age limit (:func:`max_reading_age`); how many.

    A reading that old is refused by age before its key is looked at, so its
    key has nothing left to recognise. Run hourly (Celery beat,
    ``sensors-forget-reading-keys``): an hour's keys in one statement.
    """
    with connection.cursor() as cursor:  # one statement, no rows brought back (QuerySet.delete collects them)
        cursor.execute("DELETE FROM sensors_sensorreadingkey WHERE measured_at < %s",
                       [(now or timezone.now()) - max_reading_age()])
        return cursor.rowcount
