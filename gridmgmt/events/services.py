"""Writes of events: the one intake service every front door calls.

The REST API, Open311 POST and the bulk import (which shares
:mod:`gridmgmt.events.placing`) all end here, so a report is validated,
located and routed the same way whichever channel it came through.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.api_params import ADDRESS_MAX, DESCRIPTION_MAX, clean_text
from gridmgmt.events.api_keys import api_key_covers
from gridmgmt.events.attributes import split_attribute_values
from gridmgmt.events.models import ApiKey, Channel, Component, Event, EventPhoto, SmallClass
from gridmgmt.events.photos import CleanPhoto, photo_clean
from gridmgmt.events.placing import place_one
from gridmgmt.events.signals import events_created
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.prepared import execute_prepared, instance_from_row, select_columns


@dataclass(frozen=True)
class EventCreateResult:
    event: Event
    created: bool  # False: an earlier report with the same idempotency key was returned
    photos: list[EventPhoto]


_SMALL_CLASS_SQL = f"SELECT {select_columns(SmallClass)} FROM events_smallclass WHERE code = $1::text AND active"


def small_class_for_report(code: str, *, field: str = "service_code") -> SmallClass:
    """The active small class with ``code``, or a ValidationError naming the code."""
    small_class = None
    if code and "\x00" not in str(code):  # PostgreSQL text cannot hold NUL: no class has it
        with connection.cursor() as cursor:
            execute_prepared(cursor, "gridmgmt_small_class", _SMALL_CLASS_SQL, [str(code)])
            row = cursor.fetchone()
        small_class = instance_from_row(SmallClass, row) if row else None
    if small_class is None:
        raise ValidationError({field: _("There is no problem type with code '%(code)s' (service_code).") % {"code": code}
                               if code else _("Choose a problem type (service_code is required).")})
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
        raise ValidationError({"channel": _("Unknown channel '%(channel)s'.") % {"channel": channel}})
    small_class = small_class_for_report(small_class_code)
    try:
        description = clean_text(description, "description", max_length=DESCRIPTION_MAX)
        address = clean_text(address, "address", max_length=ADDRESS_MAX)
        idempotency_key = clean_text(idempotency_key, "idempotency_key", max_length=64) or None
        cleaned_attributes, client_attributes = split_attribute_values(
            small_class.attributes, _clean_attribute_texts(attributes))
    except ParamError as exc:
        raise ValidationError(exc.detail) from None
    except ValueError as exc:
        raise ValidationError({"attributes": str(exc)}) from None
    component = _component_for(component_code, small_class)
    if len(photos) > settings.EVENTS_MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(limit)s photos go with a report; %(count)s were sent.") % {
            "limit": settings.EVENTS_MAX_PHOTOS, "count": len(photos)}})
    clean_photos: list[CleanPhoto] = [photo_clean(upload) for upload in photos]
    point = point or (component.location if component else None) or _photo_point(clean_photos)
    if point is None:
        raise ValidationError({"lat": _("A location is required: a point on the map (lat and lng) or a photo "
                                        "carrying its GPS position.")})
    placement = place_one(small_class_id=small_class.pk, lng=point.x, lat=point.y)
    if placement is None:
        raise ValidationError({"location": _("The point (latitude %(lat).6f, longitude %(lng).6f) is outside the "
                                             "district: no community covers it.") % {"lat": point.y, "lng": point.x}})
    if api_key is not None and not api_key_covers(api_key, street_code=placement.street_code,
                                                  community_code=placement.community_code):
        raise ValidationError({"location": _(
            "The point (latitude %(lat).6f, longitude %(lng).6f) is in community %(community)s, outside the area "
            "of this API key (%(areas)s).") % {"lat": point.y, "lng": point.x, "community": placement.community_code,
                                               "areas": ", ".join(api_key.area_codes)}})
    department, rule_id = placement.department, placement.rule_id
    if component is not None and (component.maintainer_department_id or component.manager_department_id):
        # The component's own maintainer is more specific than any area rule.
        department = component.maintainer_department or component.manager_department
        rule_id = None
    received_at = timezone.now()
    event = Event(
        small_class=small_class, component=component, description=description, address=address,
        attributes=cleaned_attributes, client_attributes=client_attributes, location=point,
        grid_id=placement.grid_id, community_id=placement.community_id, street_id=placement.street_id,
        grid_code=placement.grid_code, community_code=placement.community_code,
        street_code=placement.street_code, department=department, routing_rule_id=rule_id,
        routing_status="routed" if department else "manual",
        reporter=reporter, channel=channel, api_key=api_key, idempotency_key=idempotency_key or None,
        device_time=device_time, received_at=received_at, updated_at=received_at,
    )
    # Foreign keys were just looked up; re-checking them row by row would
    # double the queries of the hot path.
    event.full_clean(exclude=["small_class", "component", "grid", "community", "street", "department",
                              "routing_rule", "reporter", "api_key"], validate_unique=False,
                     validate_constraints=False)
    stored_files, records = [], []
    try:
        with transaction.atomic():
            if not _insert(event):
                # Lost to an earlier report with this key (maybe a concurrent
                # retry: the unique constraint decided, and it has committed).
                winner = (Event.objects.select_related("small_class", "department")
                          .get(channel=channel, idempotency_key=idempotency_key))
                return EventCreateResult(winner, created=False, photos=list(winner.photos.all()))
            events_created.send(sender=Event, event_ids=[event.pk], channel=channel)
            for photo in clean_photos:
                record = EventPhoto(event=event, content_type=photo.content_type, size_bytes=photo.content.size)
                record.image.save(photo.content.name, photo.content, save=False)
                stored_files.append(record.image)
                record.save()
                records.append(record)
    except Exception:
        for stored in stored_files:  # files are not transactional: remove what the rollback orphaned
            stored.storage.delete(stored.name)
        raise
    return EventCreateResult(event, created=True, photos=records)


# The hot path's INSERT, prepared once per connection (gridmgmt.prepared).
# ON CONFLICT instead of catching the unique violation: no savepoint round
# trips, and a concurrent retry waits for the first to commit, then stores nothing.
_INSERT_SQL = f"""
INSERT INTO events_event (token, small_class_id, component_id, description, address, attributes, location,
    grid_id, community_id, street_id, grid_code, community_code, street_code, department_id, routing_status,
    routing_rule_id, status, reporter_id, channel, api_key_id, idempotency_key, device_time, received_at,
    updated_at, client_attributes)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, ST_SetSRID(ST_MakePoint($7::float8, $8::float8), {STORAGE_SRID}),
    $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24, $25::jsonb)
ON CONFLICT (channel, idempotency_key) DO NOTHING
RETURNING id
"""


def _clean_attribute_texts(values):
    """Attribute values with NUL refused and C0 controls removed from texts (lists too)."""
    if not isinstance(values, dict):
        return values
    def clean(code, value):
        if isinstance(value, list):
            return [clean(code, v) for v in value]
        return clean_text(value, f"attribute[{code}]") if isinstance(value, str) else value
    return {clean_text(str(code), "attribute"): clean(code, value) for code, value in values.items()}


def _insert(event: Event) -> bool:
    """Insert ``event`` and set its id; False when its idempotency key is already stored."""
    params = [event.token, event.small_class_id, event.component_id, event.description, event.address,
              json.dumps(event.attributes, ensure_ascii=False), event.location.x, event.location.y,
              event.grid_id, event.community_id, event.street_id, event.grid_code, event.community_code,
              event.street_code, event.department_id, event.routing_status, event.routing_rule_id, event.status,
              event.reporter_id, event.channel, event.api_key_id, event.idempotency_key, event.device_time,
              event.received_at, json.dumps(event.client_attributes, ensure_ascii=False)]
    with connection.cursor() as cursor:
        execute_prepared(cursor, "gridmgmt_event_insert", _INSERT_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk = row[0]
    event._state.adding, event._state.db = False, connection.alias
    return True


def _component_for(code: str | None, small_class: SmallClass) -> Component | None:
    if not code:
        return None
    component = Component.objects.filter(code=code).first()
    if component is None:
        raise ValidationError({"component_code": _("There is no component with code '%(code)s'.") % {"code": code}})
    if component.small_class_id != small_class.pk:
        raise ValidationError({"component_code": _("Component %(code)s belongs to problem type %(its)s, not to "
                                                   "%(chosen)s.") % {"code": code, "its": component.small_class.code,
                                                                     "chosen": small_class.code}})
    return component


def _photo_point(photos: list[CleanPhoto]) -> Point | None:
    for photo in photos:
        if photo.gps_lng_lat:
            return Point(*photo.gps_lng_lat, srid=STORAGE_SRID)
    return None
