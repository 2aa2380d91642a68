"""Writes and reads of the audit trail (``ChangeRecord``): who changed which geometry, when, why.

Geometries are stored as GeoJSON (WGS84, 6 decimals as the map layers) so
the record needs no table of its own per kind; "the map as it was on date
D" comes from ``BoundaryVersion.objects.on(D)`` and the grids' validity.
"""

from datetime import date

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Q
from shapely.geometry.base import BaseGeometry

from gridmgmt.api_params import day_end_exclusive
from gridmgmt.areas.models import BoundaryVersion
from gridmgmt.gis.models import ChangeRecord
from gridmgmt.grids.models import Grid


def _json(value):
    """A geometry as GeoJSON, also inside a dict of attributes (a component's location beside its name)."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, GEOSGeometry):
        value = shapely.from_wkb(bytes(value.wkb))
    if isinstance(value, BaseGeometry):
        return shapely.geometry.mapping(shapely.set_precision(value, 1e-7))
    return value


def change_record(*, user, kind: str, action: str, code: str, reason: str, before: dict, after: dict) -> ChangeRecord:
    """File one change; ``before``/``after`` map a code to a shapely geometry or JSON-able attributes."""
    record = ChangeRecord(kind=kind, action=action, code=code, codes=sorted(set(before) | set(after)), user=user,
                          reason=reason, before={k: _json(v) for k, v in before.items()},
                          after={k: _json(v) for k, v in after.items()})
    record.full_clean()
    record.save()
    return record


def change_history(*, code: str, limit: int = 100) -> list[ChangeRecord]:
    """Changes that touched the area or grid ``code`` (or a grid of community ``code``), newest first."""
    query = Q(code=code) | Q(codes__contains=[code])
    return list(ChangeRecord.objects.select_related("user").filter(query)[:limit])


def boundaries_on(*, level: str, day: date) -> list[BoundaryVersion]:
    """The boundaries of ``level`` valid on ``day`` (the map as it was)."""
    return list(BoundaryVersion.objects.on(day).filter(level=level).order_by("code"))


def grids_on(*, day: date) -> list[Grid]:
    """Grids active at the end of ``day``: activated before it ended and not retired by then."""
    end = day_end_exclusive(day)  # 9999-12-31: no upper bound, no overflow
    return list(Grid.objects.filter(valid_from__lt=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
                .order_by("code"))
