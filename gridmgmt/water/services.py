"""Writes of the water app: observations (and the event a black-odorous one opens)."""

from datetime import datetime

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction

from gridmgmt.areas.selectors import locate
from gridmgmt.events.models import Channel
from gridmgmt.events.services import event_create
from gridmgmt.water.field_times import field_time_problem
from gridmgmt.water.models import ObservationSource, WaterBody, WaterObservation
from gridmgmt.water.quality import INDICATORS, BlackOdorClass, WaterSample, classify

BLACK_ODOR_SMALL_CLASS = "2301"  # 小微水体黑臭, fixtures/catalogue


@transaction.atomic
def water_observation_record(
    *,
    location: Point,
    observed_at: datetime,
    transparency_cm: float | None = None,
    dissolved_oxygen_mg_l: float | None = None,
    orp_mv: float | None = None,
    ammonia_nitrogen_mg_l: float | None = None,
    water_depth_cm: float | None = None,
    water_body: WaterBody | None = None,
    observer=None,
    source: str = ObservationSource.MANUAL,
) -> WaterObservation:
    """Store an observation, classed by the 2015 guide; a black-odorous one opens an event.

    ``location`` is a WGS84 point inside the district. Units: cm, mg/L, mV
    (see :class:`gridmgmt.water.quality.WaterSample`). The event (small class
    2301, channel ``worker_app`` by hand or ``sensor``) is located and routed
    by the one intake service, :func:`gridmgmt.events.services.event_create`.

    Raises ValidationError naming the bad value, or the point outside the
    district; nothing is stored.
    """
    if problem := field_time_problem(observed_at):
        raise ValidationError({"observed_at": f"observed_at {problem}"})
    sample = WaterSample(transparency_cm=transparency_cm, dissolved_oxygen_mg_l=dissolved_oxygen_mg_l,
                         orp_mv=orp_mv, ammonia_nitrogen_mg_l=ammonia_nitrogen_mg_l,
                         water_depth_cm=water_depth_cm)
    try:
        black_odor = classify(sample)
    except ValueError as exc:
        raise ValidationError({"observation": str(exc)}) from None
    place = locate(location)
    if place is None:
        raise ValidationError({"location": f"point (lat {location.y:.6f}, lng {location.x:.6f}) is outside "
                                           "the district: no community covers it"})
    observation = WaterObservation(
        water_body=water_body, location=location, observed_at=observed_at, water_depth_cm=water_depth_cm,
        black_odor_class=int(black_odor), source=source, observer=observer,
        grid_code=place.grid.code if place.grid else "",
        **{name: getattr(sample, name) for name in INDICATORS})
    if black_odor >= BlackOdorClass.LIGHT:
        where = water_body.name or water_body.code if water_body else ""
        measured = ", ".join(f"{name}={getattr(sample, name)}" for name in INDICATORS
                             if getattr(sample, name) is not None)
        observation.event = event_create(
            small_class_code=BLACK_ODOR_SMALL_CLASS, point=location,
            channel=Channel.SENSOR if source == ObservationSource.SENSOR else Channel.WORKER_APP,
            description=f"{black_odor.key} black-odorous water {where}: {measured}".replace("  ", " "),
            reporter=observer).event
    observation.full_clean()
    observation.save()
    return observation
