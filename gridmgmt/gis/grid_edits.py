"""Grid edits from the GIS editor, audited: split, merge, redraw, undo (``gridmgmt.grids.editing``),
and a community's regeneration proposed beside its current grids, then activated in one step.

Each write runs the edit and files a ``ChangeRecord`` under the community's
code in one transaction, so a refused edit leaves neither grids nor a record.
"""

import shapely
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import LineString

from gridmgmt.areas.models import Community
from gridmgmt.gis.audit import change_record, reason_problem
from gridmgmt.grids.editing import (GridEditConflict, GridEditError, GridEditResult, community_grids_undo, grid_split,
                                    grids_merge, grids_redraw_edge)
from gridmgmt.grids.codes import communities_lock
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.services import GridGenerationError, GridGenerationStale, grid_generation_activate, grids_generate
from gridmgmt.grids.succession import generation_succession_preview
from spatial.equirectangular import equirectangular
from spatial.grid_quality import polsby_popper


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


def _drawn_on(community: Community, based_on_generation: int) -> None:
    """Refuse (``GridEditConflict``) an edit made on grids someone changed since: the community's active
    generation must still be ``based_on_generation``, the one the editor's map showed. Each edit stores a
    generation of its community, so an edit since changes it. Locks the community first (the one lock
    order of grid changes, ``communities_lock``)."""
    communities_lock([community.pk])
    current = Grid.objects.active().filter(community=community).values_list("generation_id", flat=True).first()
    if current != based_on_generation:
        raise GridEditConflict(
            _("The grids of %(community)s were changed by someone else since you loaded the map (generation "
              "%(current)s, yours %(yours)s): reload the map and edit again.")
            % {"community": community.code, "current": current, "yours": based_on_generation})


def _reason(reason: str) -> str:
    if not reason.strip():
        raise GridEditError(_("Say why the grids change."))
    problem = reason_problem(reason.strip())
    if problem:
        raise GridEditError(problem)
    return reason.strip()


@transaction.atomic
def grid_split_audited(*, user, code: str, line: LineString, reason: str, based_on_generation: int) -> GridEditResult:
    """Split the active grid ``code`` along ``line`` (WGS84); raises ``GridEditError`` naming the reason,
    ``GridEditConflict`` when the grids changed since ``based_on_generation`` (see :func:`_drawn_on`)."""
    reason = _reason(reason)
    if not isinstance(line, LineString):
        raise GridEditError(_("Draw the split as one line."))
    (grid,) = _active([code])
    _drawn_on(grid.community, based_on_generation)
    before = _geometries([code])
    result = grid_split(grid=grid, line=line, note=reason[:255])
    _record(user=user, action="split", community=grid.community, reason=reason, before=before, result=result)
    return result


@transaction.atomic
def grids_merge_audited(*, user, codes: list[str], reason: str, based_on_generation: int) -> GridEditResult:
    """Merge the adjacent active grids ``codes`` of one community; raises ``GridEditError``,
    ``GridEditConflict`` as :func:`grid_split_audited`."""
    reason = _reason(reason)
    grids = _active(codes)
    _drawn_on(grids[0].community, based_on_generation)
    before = _geometries(codes)
    result = grids_merge(grids=grids, note=reason[:255])
    _record(user=user, action="merge", community=grids[0].community, reason=reason, before=before, result=result)
    return result


@transaction.atomic
def community_grids_undo_audited(*, user, community_code: str, reason: str, based_on_generation: int) -> GridEditResult:
    """Reactivate the community's previous grids; raises ``GridEditError``, ``GridEditConflict`` when
    someone changed them since ``based_on_generation`` (an undo reverses the edit the editor saw)."""
    reason = _reason(reason)
    community = Community.objects.filter(code=community_code).first()
    if community is None:
        raise GridEditError(_("No community with code %(code)s.") % {"code": community_code})
    _drawn_on(community, based_on_generation)
    result = community_grids_undo(community=community)
    before = {code: "retired" for code in result.retired}
    change_record(user=user, kind="grid", action="undo", code=community.code, reason=reason, before=before,
                  after={code: "reactivated" for code in result.created})
    return result


@transaction.atomic
def grids_redraw_edge_audited(*, user, codes: list[str], line: LineString, reason: str,
                              based_on_generation: int) -> GridEditResult:
    """Redraw the shared edge of the two active grids ``codes`` along ``line``; raises ``GridEditError``,
    ``GridEditConflict`` as :func:`grid_split_audited`."""
    reason = _reason(reason)
    if not isinstance(line, LineString):
        raise GridEditError(_("Draw the new edge as one line."))
    grids = _active(codes)
    _drawn_on(grids[0].community, based_on_generation)
    before = _geometries(codes)
    result = grids_redraw_edge(grids=grids, line=line, note=reason[:255])
    after = {g.code: shapely.from_wkb(bytes(g.polygon.wkb)) for g in result.generation.grids.filter(code__in=codes)}
    after |= {g.code: shapely.from_wkb(bytes(g.polygon.wkb))
              for g in result.generation.grids.filter(code__in=result.created)}
    change_record(user=user, kind="grid", action="redraw", code=grids[0].community.code, reason=reason,
                  before=before, after=after)
    return result


def _grid_features(grids: list[Grid], codes_elsewhere: set[str]) -> dict:
    """Grids as GeoJSON with households, Polsby–Popper compactness and whether the code is in the other set."""
    features = []
    for grid in grids:
        polygon = shapely.from_wkb(bytes(grid.polygon.wkb))
        to_metric, _unused = equirectangular(polygon)
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(polygon), "properties": {
            "code": grid.code, "households": grid.households, "compactness": round(polsby_popper(to_metric(polygon)), 3),
            "code_kept": grid.code in codes_elsewhere}})
    return {"type": "FeatureCollection", "features": features}


def community_grids_propose(*, community_code: str) -> dict:
    """Regenerate a community's grids as a stored, checked but inactive generation, beside the current grids.

    Returns ``{"generation": id, "current": FeatureCollection, "proposal":
    FeatureCollection, "kept": [...], "retired": [...], "new": [...], "succession": {...}}``;
    features carry households and compactness; ``succession`` is what activating would do to the
    grid workers (``gridmgmt.grids.succession.Succession.as_json``: moves, moved_off, without_worker). Raises ``GridEditError``
    (unknown community, or the generation fails its check: nothing stored).
    """
    community = Community.objects.filter(code=community_code).first()
    if community is None:
        raise GridEditError(_("No community with code %(code)s.") % {"code": community_code})
    current = list(Grid.objects.active().filter(community=community).select_related("generation").order_by("code"))
    digits = current[0].generation.code_digits if current else settings.GRID_CODE_SEQUENCE_DIGITS
    try:
        report = grids_generate(communities=[community], target_households=settings.GRID_TARGET_HOUSEHOLDS,
                                code_digits=digits, note=f"proposal for {community.code}")
    except GridGenerationError as exc:
        raise GridEditError(str(exc)) from None
    proposal = list(report.generation.grids.order_by("code"))
    now, then = {g.code for g in current}, {g.code for g in proposal}
    return {"generation": report.generation.pk, "current": _grid_features(current, then),
            "proposal": _grid_features(proposal, now), "kept": sorted(now & then), "retired": sorted(now - then),
            "new": sorted(then - now),
            "succession": generation_succession_preview(generation=report.generation).as_json()}


def active_grids_by_community(community_ids) -> dict[int, dict]:
    """The active grids of each community, ``{community id: {code: shapely polygon (WGS84)}}``."""
    grids: dict[int, dict] = {community_id: {} for community_id in community_ids}
    for grid in Grid.objects.active().filter(community__in=grids):
        grids[grid.community_id][grid.code] = shapely.from_wkb(bytes(grid.polygon.wkb))
    return grids


def generation_switch_record(*, generation: GridGeneration, before: dict[int, dict], reason: str,
                             user=None, via: str = "") -> tuple[set[str], set[str]]:
    """File the switch to ``generation``'s grids: one ``ChangeRecord`` per community, filed under its code.

    ``before`` is ``active_grids_by_community`` taken before the switch; ``user`` or ``via`` (a command,
    ``gridmgmt.gis.audit.command_via``) says who. Returns (codes before, codes after) over all communities.
    """
    after: dict[int, dict] = {}
    for grid in generation.grids.select_related("community").order_by("code"):
        after.setdefault(grid.community, {})[grid.code] = shapely.from_wkb(bytes(grid.polygon.wkb))
    for community, grids in after.items():
        previous = before.get(community.pk, {})
        if previous.keys() == grids.keys() and all(previous[code].equals_exact(grids[code], 0) for code in grids):
            continue  # the same grids again (a generation activated twice): nothing changed, nothing to file
        change_record(user=user, via=via, kind="grid", action="regenerate", code=community.code, reason=reason,
                      before=before.get(community.pk, {}), after=grids)
    return ({code for grids in before.values() for code in grids},
            {code for grids in after.values() for code in grids})


@transaction.atomic
def grid_generation_activate_audited(*, user, generation_id: int, reason: str) -> GridEditResult:
    """Activate a proposed generation in one step (it is checked again first); undo reactivates the previous."""
    reason = _reason(reason)
    generation = GridGeneration.objects.filter(pk=generation_id, activated_at__isnull=True).first()
    if generation is None or not generation.grids.exists():
        raise GridEditError(_("No proposal %(id)s waiting to be activated.") % {"id": generation_id})
    before = active_grids_by_community(set(generation.grids.values_list("community_id", flat=True)))
    try:
        grid_generation_activate(generation=generation)
    except GridGenerationStale as exc:
        raise GridEditConflict(str(exc)) from None
    except GridGenerationError as exc:
        raise GridEditError(str(exc)) from None
    codes_before, codes_after = generation_switch_record(generation=generation, before=before, user=user,
                                                         reason=reason)
    generation.refresh_from_db(fields=["succession"])  # the workers the activation moved
    return GridEditResult(generation=generation, retired=sorted(codes_before - codes_after),
                          created=sorted(codes_after - codes_before), succession=generation.succession)
