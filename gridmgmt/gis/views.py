"""The GIS editor's page and its JSON endpoints (gis_editor role only); the services do the work."""

import json
from datetime import date

import shapely
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from shapely.errors import GEOSException
from shapely.geometry import shape

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import ascii_integer, iso_day
from gridmgmt.gis.audit import boundaries_on, change_history, grids_on
from gridmgmt.gis.boundary_edits import (BoundaryEditConflict, BoundaryEditError, BoundaryEditRefused, boundary_edit,
                                         boundary_edit_plan)
from gridmgmt.gis.grid_edits import (community_grids_propose, community_grids_undo_audited,
                                     grid_generation_activate_audited, grid_split_audited, grids_merge_audited,
                                     grids_redraw_edge_audited)
from gridmgmt.gis.selectors import communities_with_stale_grids, corrections_recently_accepted
from gridmgmt.grids.editing import GridEditConflict, GridEditError
from gridmgmt.grids.selectors import grid_workload
from gridmgmt.json_input import JSONInputError, json_loads
from gridmgmt.numbers import geojson_number_problem
from gridmgmt.web.names import local_name
from gridmgmt.web.roles import role_required
from spatial.crs import lnglat_range_problem

gis_only = role_required(Role.GIS_EDITOR)


class BadRequest(ValueError):
    pass


def _body(request) -> dict:
    # A multipart body was read as a form on the way in (there is no request.body left to read).
    if request.content_type == "multipart/form-data":
        raise BadRequest(_("The request body is not JSON.") + " (multipart/form-data)")
    try:
        body = json_loads(request.body or b"{}")
    except JSONInputError as exc:
        raise BadRequest(f"{_('The request body is not JSON.')} ({exc})") from None
    if not isinstance(body, dict):
        raise BadRequest(_("The request body must be a JSON object."))
    field = _field_with_nul(body)
    if field is not None:  # PostgreSQL text cannot hold NUL: refused here, not as a 500 when stored
        raise BadRequest(_("%(field)s contains a NUL character.") % {"field": field})
    return body


def _field_with_nul(value, name: str = "body") -> str | None:
    """The name of the first key whose text (at any depth) holds NUL, or None."""
    if isinstance(value, str):
        return name if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        if isinstance(key, str) and "\x00" in key:
            return name
        found = _field_with_nul(inner, key if isinstance(key, str) else name)
        if found is not None:
            return found
    return None


def _geometry(body: dict, key: str):
    bad_number = geojson_number_problem(body.get(key))  # before shape(), which reads with float()
    if bad_number is not None:
        raise BadRequest(_("%(field)s: the coordinate %(value)s is not a number.") % {"field": key,
                                                                                      "value": bad_number})
    try:
        geometry = shape(body[key])
    except KeyError:
        raise BadRequest(_("Missing %(field)s.") % {"field": key}) from None
    except (ValueError, TypeError, AttributeError, IndexError, GEOSException) as exc:
        raise BadRequest(_("%(field)s is not a GeoJSON geometry (%(error)s).") % {"field": key, "error": exc}) from None
    out_of_range = lnglat_range_problem(geometry)  # snapping and overlays turn such rings into NaN
    if out_of_range:
        raise BadRequest(_("%(field)s: %(problem)s.") % {"field": key, "problem": out_of_range})
    # Boundaries and grids are stored flat: a third (height) value would be dropped on saving but kept in
    # the plan and the history's record, which then showed a geometry other than the one stored.
    return shapely.force_2d(geometry)


def _text(body: dict, key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if not isinstance(value, str):
        raise BadRequest(_("Missing %(field)s.") % {"field": key})
    return value


def _flag(body: dict, key: str) -> bool:
    """A JSON true or false (absent or null: false); the text "false" was read as true."""
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadRequest(_("%(field)s must be true or false.") % {"field": key})
    return value


def _version(body: dict, key: str) -> int:
    """A whole number the editor read from the map (a boundary's version, the grids' generation), required."""
    value = ascii_integer(body.get(key))
    if value is None or value < 1:
        raise BadRequest(_("%(field)s must be the version number the map showed.") % {"field": key})
    return value


def _day(body: dict) -> date | None:
    value = body.get("valid_from")
    if not value:
        return None
    day = iso_day(value)
    if day is None:
        raise BadRequest(_("valid_from must be a date YYYY-MM-DD."))
    return day


def _error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"detail": message, **extra}, status=status)


def _plan_json(plan) -> dict:
    return {"level": plan.level, "code": plan.code, "neighbours": plan.neighbours,
            "problems": {"type": "FeatureCollection", "features": [p.as_feature() for p in plan.problems]},
            "boundaries": {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": {"code": c}}
                for c, g in plan.geometries.items()]}}


def _stale_json(codes: list[str] | None = None) -> list[dict]:
    """[{code, name}] of the communities whose grids follow an old boundary (names in the reader's language)."""
    return [{"code": c.code, "name": local_name(c)} for c in communities_with_stale_grids(codes=codes)]


@require_GET
@gis_only
def editor(request):
    """The editor page (frontend/static/js/gis_editor.js), with the communities whose grids need regenerating."""
    return render(request, "gis/editor.html", {"stale_communities": _stale_json()})


@require_GET
@gis_only
def stale_grids(request):
    """{communities: [{code, name}]}: communities whose active grids do not match their current boundary."""
    return JsonResponse({"communities": _stale_json()})


def _json_endpoint(view):
    """POST only, gis_editor only, JSON in and out; bad input is a 400 naming the problem, an edit of grids
    changed since it was prepared a 409."""

    @require_POST
    @gis_only
    def wrapped(request):
        try:
            return view(request, _body(request))
        except (GridEditConflict, BoundaryEditConflict) as exc:  # made on what changed since: look again
            return _error(str(exc), status=409)
        except (BadRequest, BoundaryEditError, GridEditError) as exc:
            return _error(str(exc))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_json_endpoint
def boundary_check(request, body):
    """{level, code, geometry, neighbours_follow} → the plan: problems and new boundaries as GeoJSON."""
    plan = boundary_edit_plan(level=_text(body, "level"), code=_text(body, "code"),
                              geometry=_geometry(body, "geometry"),
                              neighbours_follow=_flag(body, "neighbours_follow"))
    return JsonResponse(_plan_json(plan))


@_json_endpoint
def boundary_save(request, body):
    """{level, code, geometry, neighbours_follow, reason, based_on_version, valid_from?} → saved plan, or 409
    with the problems, or 409 when the boundary was saved since ``based_on_version`` (the map's)."""
    try:
        plan = boundary_edit(user=request.user, level=_text(body, "level"), code=_text(body, "code"),
                             geometry=_geometry(body, "geometry"), reason=_text(body, "reason", ""),
                             based_on_version=_version(body, "based_on_version"), valid_from=_day(body),
                             neighbours_follow=_flag(body, "neighbours_follow"))
    except BoundaryEditRefused as exc:
        return JsonResponse({"detail": _("Not saved: the boundary has topology problems."),
                             **_plan_json(exc.plan)}, status=409)
    # Grids are cut from community boundaries: those of a changed community need regenerating.
    changed = [plan.code, *plan.neighbours]
    stale = _stale_json(changed) if plan.level == "community" else []
    # A change within the topology tolerance leaves the grids fitting: said, so no one waits for the list.
    fit = [c.code for c in communities_with_stale_grids(codes=changed, stale=False)] if plan.level == "community" else []
    return JsonResponse({"saved": changed, "grids_to_regenerate": stale, "grids_still_fit": fit, **_plan_json(plan)})


def _grid_result(result) -> JsonResponse:
    return JsonResponse({"generation": result.generation.pk, "retired": result.retired, "created": result.created,
                         "succession": result.succession})


@_json_endpoint
def grid_split(request, body):
    """{grid, line (GeoJSON LineString), reason, based_on_generation} → {generation, retired, created}; 409 when
    the grids changed since the generation the map showed."""
    return _grid_result(grid_split_audited(user=request.user, code=_text(body, "grid"),
                                           line=_geometry(body, "line"), reason=_text(body, "reason", ""),
                                           based_on_generation=_version(body, "based_on_generation")))


def _codes(body: dict) -> list[str]:
    codes = body.get("grids")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise BadRequest(_("grids must be a list of grid codes."))
    return codes


@_json_endpoint
def grid_merge(request, body):
    """{grids: [code, ...], reason, based_on_generation} → {generation, retired, created}."""
    return _grid_result(grids_merge_audited(user=request.user, codes=_codes(body), reason=_text(body, "reason", ""),
                                            based_on_generation=_version(body, "based_on_generation")))


@_json_endpoint
def grid_redraw(request, body):
    """{grids: [code, code], line (GeoJSON LineString), reason, based_on_generation} → {generation, retired,
    created}."""
    return _grid_result(grids_redraw_edge_audited(user=request.user, codes=_codes(body), line=_geometry(body, "line"),
                                                  reason=_text(body, "reason", ""),
                                                  based_on_generation=_version(body, "based_on_generation")))


@_json_endpoint
def grid_propose(request, body):
    """{community} → the regenerated grids (stored, inactive) beside the current ones, with the codes that change."""
    return JsonResponse(community_grids_propose(community_code=_text(body, "community")))


@_json_endpoint
def grid_activate(request, body):
    """{generation, reason} → the proposal activated (checked again first)."""
    generation = body.get("generation")
    if not isinstance(generation, int) or isinstance(generation, bool):
        raise BadRequest(_("generation must be a number."))
    return _grid_result(grid_generation_activate_audited(user=request.user, generation_id=generation,
                                                         reason=_text(body, "reason", "")))


@_json_endpoint
def grid_undo(request, body):
    """{community, reason, based_on_generation} → the previous grids reactivated."""
    return _grid_result(community_grids_undo_audited(user=request.user, community_code=_text(body, "community"),
                                                     reason=_text(body, "reason", ""),
                                                     based_on_generation=_version(body, "based_on_generation")))


@require_GET
@gis_only
def history(request, code: str):
    """The changes filed under an area or grid code, newest first."""
    return JsonResponse({"code": code, "changes": [
        {"at": r.at.isoformat(), "user": r.actor, "kind": r.kind, "action": r.action,
         "reason": r.reason, "codes": r.codes} for r in change_history(code=code)]})


@require_GET
@gis_only
def history_page(request, code: str | None = None):
    """The history of one area or grid (or a community's grids), or without a code the district's latest
    changes, each code linking to its own: who changed what, when and why."""
    return render(request, "gis/history.html", {"code": code, "changes": change_history(code=code)})


def _feature(geometry, properties: dict) -> dict:
    return {"type": "Feature", "geometry": json.loads(geometry.geojson), "properties": properties}


@require_GET
@gis_only
def map_on(request):
    """?day=YYYY-MM-DD&level=street|community → the boundaries and the grids as they were at the end of that day."""
    level = request.GET.get("level", "community")
    if level not in ("district", "street", "community"):
        return _error(_("Unknown level %(level)s: street or community.") % {"level": level})
    day = iso_day(request.GET.get("day", ""))
    if day is None:
        return _error(_("day must be a date YYYY-MM-DD."))
    return JsonResponse({"day": day.isoformat(), "boundaries": {"type": "FeatureCollection", "features": [
        _feature(v.geometry, {"code": v.code, "name": v.name, "version": v.version,
                              "valid_from": v.valid_from.isoformat()}) for v in boundaries_on(level=level, day=day)]},
        "grids": {"type": "FeatureCollection", "features": [
            _feature(g.polygon, {"code": g.code, "households": g.households}) for g in grids_on(day=day)]}})


@require_GET
@gis_only
def workload(request):
    """The workload monitor's suggestions: grids to split (above the target) or merge with a neighbour,
    and the field corrections accepted in the last 30 days per grid.

    Households are recounted from the buildings as they are now, so accepted field corrections show here.
    """
    target = settings.GRID_TARGET_HOUSEHOLDS
    return JsonResponse({"target_households": target, "suggestions": grid_workload(target_households=target),
                         "corrections": corrections_recently_accepted()})
