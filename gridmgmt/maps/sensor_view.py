"""Reads of the dashboard's environment view: live sensors by state, and their open exceedance episodes.

Read-only over the sensors app, whose rules stay there: a sensor exceeds
while it has an open episode (:class:`gridmgmt.sensors.models.SensorEpisode`
opens on the first reading above the limit, closes on the first back
below), and its limit is :meth:`Sensor.limit`. Here only the *stale* state is
added: an active sensor with no reading for :data:`STALE_AFTER` is drawn
as silent, since a silent monitor cannot report an exceedance. Sensors are
in a reader's area by the grid, community and street codes stored when
they were registered. Points are WGS84 (lng, lat).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, Extract
from django.utils import timezone
from django.utils.translation import gettext as _

from gridmgmt.cases.models import CaseEvent
from gridmgmt.maps.scope import AreaScope
from gridmgmt.sensors.models import Sensor
from gridmgmt.sensors.standards import KINDS, SensorKind

# A local setting, not from a standard: the demo and the MQTT monitors send at least every few minutes,
# so three hours without a reading means the monitor or its link is down.
STALE_AFTER = timedelta(hours=3)

# The type filter of the view: groups of sensor kinds as a leader names them.
SENSOR_TYPES: dict[str, tuple[SensorKind, ...]] = {
    "air": (SensorKind.PM25, SensorKind.PM10),
    "noise": (SensorKind.NOISE,),
    "dust": (SensorKind.CONSTRUCTION_DUST,),
    "water_level": (SensorKind.WATER_LEVEL,),
    "water_quality": (SensorKind.TRANSPARENCY, SensorKind.DISSOLVED_OXYGEN, SensorKind.ORP,
                      SensorKind.AMMONIA_NITROGEN),
}
TYPE_OF_KIND = {kind.value: name for name, kinds in SENSOR_TYPES.items() for kind in kinds}


def sensors_in(scope: AreaScope, sensor_type: str | None = None):
    """Active sensors in ``scope`` (by their stored area codes), of one of :data:`SENSOR_TYPES` if given."""
    sensors = Sensor.objects.filter(scope.q(), active=True)
    if sensor_type:
        sensors = sensors.filter(kind__in=[k.value for k in SENSOR_TYPES[sensor_type]])
    return sensors


def sensors_version(*, scope: AreaScope, sensor_type: str | None = None, now: datetime | None = None) -> str:
    """Digest of what the environment view shows, from one aggregate query without geometry.

    Changes when a sensor is added, moved out of scope or deactivated (count,
    id sum), receives a reading (sum of reading times and values), opens or
    closes an episode or an episode's peak rises, or goes silent (the count
    of stale sensors at ``now``).
    """
    now = now or timezone.now()
    totals = sensors_in(scope, sensor_type).aggregate(
        n=Count("id"), ids=Coalesce(Sum("id"), 0),
        read=Sum(Extract("last_reading_at", "epoch")), values=Sum("last_value"),
        episodes=Coalesce(Sum("open_episode_id"), 0), peaks=Sum("open_episode__peak_value"),
        stale=Count("id", filter=Q(last_reading_at__isnull=True) | Q(last_reading_at__lt=now - STALE_AFTER)))
    return "-".join(str(totals[k]) for k in ("n", "ids", "read", "values", "episodes", "peaks", "stale"))


@dataclass(frozen=True)
class SensorRow:
    sensor: Sensor
    state: str  # "exceeding", "stale" or "ok"
    limit: str  # the limit in the reader's language, e.g. "75 µg/m³", "70/55 dB(A)" (day/night)


def _limit_text(sensor: Sensor) -> str:
    spec = KINDS[SensorKind(sensor.kind)]
    try:
        limit = sensor.limit()
    except ValueError:  # a sensor registered without the threshold its kind needs: it never exceeds
        return ""
    if spec.water_indicator:
        return _("lightly black-odorous or worse (2015 guide)")
    if limit.threshold_night is not None:
        return f"{limit.threshold:g}/{limit.threshold_night:g} {spec.unit}"
    return f"{limit.threshold:g} {spec.unit}"


def sensor_state(sensor: Sensor, now: datetime) -> str:
    """exceeding while an episode is open; else stale without a reading for :data:`STALE_AFTER`; else ok."""
    if sensor.open_episode_id:
        return "exceeding"
    if sensor.last_reading_at is None or sensor.last_reading_at < now - STALE_AFTER:
        return "stale"
    return "ok"


def sensor_layer(*, scope: AreaScope, sensor_type: str | None = None, now: datetime | None = None) -> dict:
    """The environment view: ``sensors`` (FeatureCollection), open ``episodes`` worst first, ``counts`` by state.

    An episode names its sensor, the sensor's grid, the event it opened and
    that event's case (through the report's case link, ``CaseEvent``) once there is one.
    """
    now = now or timezone.now()
    sensors = list(sensors_in(scope, sensor_type).select_related("open_episode"))
    rows = [SensorRow(s, sensor_state(s, now), _limit_text(s)) for s in sensors]
    episodes = [s.open_episode for s in sensors if s.open_episode_id]
    case_of_event = {event_id: (case_id, number) for event_id, case_id, number in CaseEvent.objects.filter(
        event_id__in=[e.event_id for e in episodes if e.event_id]).values_list("event_id", "case_id", "case__number")}
    by_id = {s.pk: s for s in sensors}
    features = [{"type": "Feature", "id": r.sensor.pk,
                 "geometry": {"type": "Point", "coordinates": [r.sensor.location.x, r.sensor.location.y]},
                 "properties": {"code": r.sensor.code, "name": r.sensor.name, "kind": r.sensor.kind,
                                "type": TYPE_OF_KIND[r.sensor.kind], "unit": KINDS[SensorKind(r.sensor.kind)].unit,
                                "grid": r.sensor.grid_code, "state": r.state, "limit": r.limit,
                                "value": r.sensor.last_value, "read_at": r.sensor.last_reading_at}} for r in rows]
    return {
        "sensors": {"type": "FeatureCollection", "features": features},
        "episodes": [{"sensor": by_id[e.sensor_id].code, "name": by_id[e.sensor_id].name,
                      "kind": by_id[e.sensor_id].kind, "grid": by_id[e.sensor_id].grid_code,
                      "unit": KINDS[SensorKind(by_id[e.sensor_id].kind)].unit, "started_at": e.started_at,
                      "peak": e.peak_value, "readings": e.readings, "event": e.event_id,
                      "case": case_of_event.get(e.event_id, (None, None))[0],
                      "case_number": case_of_event.get(e.event_id, (None, None))[1]}
                     for e in sorted(episodes, key=lambda e: (e.started_at, e.pk))],
        "counts": {state: sum(1 for r in rows if r.state == state) for state in ("ok", "exceeding", "stale")},
        "stale_hours": STALE_AFTER.total_seconds() / 3600,
    }
