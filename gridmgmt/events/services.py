"""Writes of events: the one intake service every front door calls.

The REST API, Open311 POST and the bulk import (which shares
:mod:`gridmgmt.events.placing`) all end here, so a report is validated,
located and routed the same way whichever channel it came through.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gridmgmt.events.attributes import clean_attribute_values
from gridmgmt.events.models import ApiKey, Channel, Component, Event, EventPhoto, SmallClass
from gridmgmt.events.photos import CleanPhoto, photo_clean
from gridmgmt.events.placing import place_one
from gridmgmt.geo import STORAGE_SRID


@dataclass(frozen=True)
class EventCreateResult:
    event: Event
    created: bool  # False: an earlier report with the same idempotency key was returned


def small_class_for_report(code: str, *, field: str = "service_code") -> SmallClass:
    """The active small class with ``code``, or a ValidationError naming the code."""
    small_class = SmallClass.objects.filter(code=str(code), active=True).first() if code else None
    if small_class is None:
        raise ValidationError({field: f"unknown service_code {code!r}" if code else "service_code is required"})
    return small_class


def event_create(
    *,
    small_class_code: str,
    point: Point | None,
    channel: str,
    description: str = "",
    address: str = "",
    attributes: dict | None = None,
    photos: list = (),
    component_code: str | None = None,
    reporter=None,
    api_key: ApiKey | None = None,
    idempotency_key: str | None = None,
    device_time: datetime | None = None,
) -> EventCreateResult:
    """Store one report, located and routed; all or nothing.

    Parameters
    ----------
    point
        WGS84 (EPSG:4326) point; convert GCJ-02 before calling. When None the
        component's location, then the first photo's EXIF GPS is used.
    photos
        Uploaded files; each is checked and re-encoded (see :mod:`photos`).
    idempotency_key
        Client-generated. A report retried with the same key on the same
        channel is stored once; the retry gets the first result back
        (``created=False``). The database's unique constraint decides races.

    Raises
    ------
    ValidationError
        With a dict naming the bad field; nothing is stored.
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": f"unknown channel {channel!r}"})
    small_class = small_class_for_report(small_class_code)
    try:
        cleaned_attributes = clean_attribute_values(small_class.attributes, attributes)
    except ValueError as exc:
        raise ValidationError({"attributes": str(exc)}) from None
    component = _component_for(component_code, small_class)
    if len(photos) > settings.EVENTS_MAX_PHOTOS:
        raise ValidationError({"photos": f"at most {settings.EVENTS_MAX_PHOTOS} photos, got {len(photos)}"})
    clean_photos: list[CleanPhoto] = [photo_clean(upload) for upload in photos]
    point = point or (component.location if component else None) or _photo_point(clean_photos)
    if point is None:
        raise ValidationError({"lat": "a location is required: lat and long, or a photo with GPS in its EXIF"})
    placement = place_one(small_class_id=small_class.pk, lng=point.x, lat=point.y)
    if placement is None:
        raise ValidationError({"location": f"point (lat {point.y:.6f}, lng {point.x:.6f}) is outside the "
                                           "district: no community covers it"})
    department, rule_id = placement.department, placement.rule_id
    if component is not None and (component.maintainer_department_id or component.manager_department_id):
        # The component's own maintainer is more specific than any area rule.
        department = component.maintainer_department or component.manager_department
        rule_id = None
    event = Event(
        small_class=small_class, component=component, description=description, address=address,
        attributes=cleaned_attributes, location=point,
        grid_id=placement.grid_id, community_id=placement.community_id, street_id=placement.street_id,
        grid_code=placement.grid_code, community_code=placement.community_code,
        street_code=placement.street_code, department=department, routing_rule_id=rule_id,
        routing_status="routed" if department else "manual",
        reporter=reporter, channel=channel, api_key=api_key, idempotency_key=idempotency_key or None,
        device_time=device_time, received_at=timezone.now(),
    )
    # Foreign keys were just looked up; re-checking them row by row would
    # double the queries of the hot path.
    event.full_clean(exclude=["small_class", "component", "grid", "community", "street", "department",
                              "routing_rule", "reporter", "api_key"], validate_unique=False,
                     validate_constraints=False)
    stored_files = []
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():  # savepoint: the race's loser rolls back only this
                    event.save(force_insert=True)
            except IntegrityError:
                if not idempotency_key:
                    raise
                winner = Event.objects.filter(channel=channel, idempotency_key=idempotency_key).first()
                if winner is None:
                    raise
                return EventCreateResult(winner, created=False)
            for photo in clean_photos:
                record = EventPhoto(event=event, content_type=photo.content_type, size_bytes=photo.content.size)
                record.image.save(photo.content.name, photo.content, save=False)
                stored_files.append(record.image)
                record.save()
    except Exception:
        for stored in stored_files:  # files are not transactional: remove what the rollback orphaned
            stored.storage.delete(stored.name)
        raise
    return EventCreateResult(event, created=True)


def _component_for(code: str | None, small_class: SmallClass) -> Component | None:
    if not code:
        return None
    component = Component.objects.filter(code=code).first()
    if component is None:
        raise ValidationError({"component_code": f"unknown component {code!r}"})
    if component.small_class_id != small_class.pk:
        raise ValidationError({"component_code": f"component {code} is a {component.small_class.code}, "
                                                 f"not a {small_class.code}"})
    return component


def _photo_point(photos: list[CleanPhoto]) -> Point | None:
    for photo in photos:
        if photo.gps_lng_lat:
            return Point(*photo.gps_lng_lat, srid=STORAGE_SRID)
    return None
