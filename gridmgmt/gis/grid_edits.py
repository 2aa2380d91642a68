"""Grid edits from the GIS editor, audited: split, merge, undo (``gridmgmt.grids.editing`` does the edit).

Each call runs the edit and files a ``ChangeRecord`` under the community's
code in one transaction, so a refused edit leaves neither grids nor a record.
"""

import shapely
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import LineString

from gridmgmt.areas.models import Community
from gridmgmt.gis.audit import change_record
from gridmgmt.grids.editing import GridEditError, GridEditResult, community_grids_undo, grid_split, grids_merge
from gridmgmt.grids.models import Grid


def _active(codes: list[str]) -> list[Grid]:
    grids = list(Grid.objects.active().select_related("community").filter(code__in=codes))
    missing = sorted(set(codes) - {g.code for g in grids})
    if missing:
        raise GridEditError(_("No current grid with code %(codes)s.") % {"codes": ", ".join(missing)})
    return grids


def _geometries(codes) -> dict:
    return {g.code: shapely.from_wkb(bytes(g.polygon.wkb))
            for g in Grid.objects.filter(code__in=codes).order_by("code", "-generation_id").distinct("code")}


def _record(*, user, action: str, community: Community, reason: str, before: dict, result: GridEditResult) -> None:
    after = {g.code: shapely.from_wkb(bytes(g.polygon.wkb))
             for g in result.generation.grids.filter(code__in=result.created, community=community)}
    change_record(user=user, kind="grid", action=action, code=community.code, reason=reason,
                  before=before, after=after)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise GridEditError(_("Say why the grids change."))
    return reason.strip()


@transaction.atomic
def grid_split_audited(*, user, code: str, line: LineString, reason: str) -> GridEditResult:
    """Split the active grid ``code`` along ``line`` (WGS84); raises ``GridEditError`` naming the reason."""
    reason = _reason(reason)
    if not isinstance(line, LineString):
        raise GridEditError(_("Draw the split as one line."))
    (grid,) = _active([code])
    before = _geometries([code])
    result = grid_split(grid=grid, line=line, note=reason[:255])
    _record(user=user, action="split", community=grid.community, reason=reason, before=before, result=result)
    return result


@transaction.atomic
def grids_merge_audited(*, user, codes: list[str], reason: str) -> GridEditResult:
    """Merge the adjacent active grids ``codes`` of one community; raises ``GridEditError``."""
    reason = _reason(reason)
    grids = _active(codes)
    before = _geometries(codes)
    result = grids_merge(grids=grids, note=reason[:255])
    _record(user=user, action="merge", community=grids[0].community, reason=reason, before=before, result=result)
    return result


@transaction.atomic
def community_grids_undo_audited(*, user, community_code: str, reason: str) -> GridEditResult:
    """Reactivate the community's previous grids; raises ``GridEditError``."""
    reason = _reason(reason)
    community = Community.objects.filter(code=community_code).first()
    if community is None:
        raise GridEditError(_("No community with code %(code)s.") % {"code": community_code})
    result = community_grids_undo(community=community)
    before = {code: "retired" for code in result.retired}
    change_record(user=user, kind="grid", action="undo", code=community.code, reason=reason, before=before,
                  after={code: "reactivated" for code in result.created})
    return result
