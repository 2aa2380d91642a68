"""Reads of events: filtered lists and likely-duplicate suggestions."""

from datetime import datetime, timedelta

from django.contrib.gis.geos import Point, Polygon
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from gridmgmt.events.models import Event, SmallClass
from gridmgmt.geo import STORAGE_SRID

_GEOGRAPHY_POINT = f"ST_SetSRID(ST_MakePoint(%s, %s), {STORAGE_SRID})::geography"


def event_list(
    *,
    status: list[str] | None = None,
    small_class_codes: list[str] | None = None,
    street_code: str | None = None,
    community_code: str | None = None,
    grid_code: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    routing_status: str | None = None,
    ids: list[int] | None = None,
):
    """Events matching every given filter, newest first.

    ``bbox`` is (minLng, minLat, maxLng, maxLat) in WGS84; area filters use
    the codes recorded at receipt, so they keep meaning after boundary edits.
    """
    events = Event.objects.select_related("small_class", "department").prefetch_related("photos")
    if status:
        events = events.filter(status__in=status)
    if small_class_codes:
        events = events.filter(small_class__code__in=small_class_codes)
    if street_code:
        events = events.filter(street_code=street_code)
    if community_code:
        events = events.filter(community_code=community_code)
    if grid_code:
        events = events.filter(grid_code=grid_code)
    if bbox:
        events = events.filter(location__within=Polygon.from_bbox(bbox))
    if received_from:
        events = events.filter(received_at__gte=received_from)
    if received_to:
        events = events.filter(received_at__lt=received_to)
    if routing_status:
        events = events.filter(routing_status=routing_status)
    if ids:
        events = events.filter(pk__in=ids)
    return events


def duplicate_candidates(*, small_class: SmallClass, point: Point, now: datetime | None = None):
    """Open reports of ``small_class`` near ``point`` (WGS84), nearest first.

    Near means within the class' ``duplicate_radius_m`` metres, measured on
    the geography type (the WGS84 spheroid), and received within its
    ``duplicate_window_hours``. Each result carries ``distance_m``.
    """
    now = now or timezone.now()
    lng_lat = (point.x, point.y)
    return (
        Event.objects.open()
        .filter(small_class=small_class,
                received_at__gte=now - timedelta(hours=small_class.duplicate_window),
                received_at__lte=now)
        .alias(near=RawSQL(f"ST_DWithin(events_event.location::geography, {_GEOGRAPHY_POINT}, %s)",
                           (*lng_lat, small_class.duplicate_radius_m), output_field=BooleanField()))
        .filter(near=True)
        .annotate(distance_m=RawSQL(f"ST_Distance(events_event.location::geography, {_GEOGRAPHY_POINT})",
                                    lng_lat, output_field=FloatField()))
        .select_related("small_class", "department")
        .prefetch_related("photos")
        .order_by("distance_m", "-received_at")
    )
