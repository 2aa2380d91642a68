"""Writes and reads of the audit trail (``ChangeRecord``): who changed which geometry, when, why.

Geometries are stored as GeoJSON (WGS84, 6 decimals as the map layers) so
the record needs no table of its own per kind; "the map as it was on date
D" comes from ``BoundaryVersion.objects.on(D)`` and the grids' validity.
"""

import getpass
import os
from datetime import date

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Q
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from gridmgmt.api_params import day_end_exclusive
from gridmgmt.areas.models import BoundaryVersion
from gridmgmt.gis.models import VIA_FORMAT, ChangeRecord
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


def change_record(*, user, kind: str, action: str, code: str, reason: str, before: dict, after: dict,
                  via: str = "") -> ChangeRecord:
    """File one change; ``before``/``after`` map a code to a shapely geometry or JSON-able attributes.

    ``user`` made it, or, when no one signed in did, ``via`` names the command (``command_via``).
    """
    record = ChangeRecord(kind=kind, action=action, code=code, codes=sorted(set(before) | set(after)), user=user,
                          via=via, reason=reason, before={k: _json(v) for k, v in before.items()},
                          after={k: _json(v) for k, v in after.items()})
    if user is None and not via:
        raise ValueError("a change record names who made it: a user, or via a command")
    # The one constraint (user or via) is checked just above: Django would check it again with a query
    # per record (0.33 s of a district's 222 records when a command activates them).
    record.full_clean(validate_constraints=False)
    record.save()
    return record


def reason_problem(reason: str) -> str | None:
    """Why the history cannot file a change with ``reason`` (too long, a NUL character), or None.

    Checked before the change is made, by every writer that takes a reason from a person (the GIS
    editor's grid and boundary edits, the commands' ``--reason``): the record is written last, and
    its refusal there was a 500 after the work was done.
    """
    limit = ChangeRecord._meta.get_field("reason").max_length
    if len(reason) > limit:
        return _("The reason has %(count)d characters; the history keeps at most %(limit)d.") % {
            "count": len(reason), "limit": limit}
    if "\x00" in reason:
        return _("The reason contains a NUL character.")
    return None


def command_via(command: str) -> str:
    """``manage.py <command>, run by <system account>``: who made a change no signed-in user made."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (a bare container)
        account = f"uid {os.getuid()}"
    return VIA_FORMAT.format(command=command, account=account)


def change_history(*, code: str | None, limit: int = 100) -> list[ChangeRecord]:
    """Changes that touched the area or grid ``code`` (or a grid of community ``code``), newest first;
    ``None``: the latest changes of the whole district."""
    records = ChangeRecord.objects.select_related("user")
    if code is not None:
        records = records.filter(Q(code=code) | Q(codes__contains=[code]))
    return list(records[:limit])


def boundaries_on(*, level: str, day: date) -> list[BoundaryVersion]:
    """The boundaries of ``level`` valid on ``day`` (the map as it was)."""
    return list(BoundaryVersion.objects.on(day).filter(level=level).order_by("code"))


def grids_on(*, day: date) -> list[Grid]:
    """Grids active at the end of ``day``: activated before it ended and not retired by then."""
    end = day_end_exclusive(day)  # 9999-12-31: no upper bound, no overflow
    return list(Grid.objects.filter(valid_from__lt=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=end))
                .order_by("code"))
