"""The GIS editor's boundary edit: check a drawn boundary, let the neighbours follow, save.

One core for the page and its API: :func:`boundary_edit_plan` computes the
records to write (the edited area and, when asked, its neighbours with the
shared edge moved) and every topology problem with the geometry that shows
it; :func:`boundary_edit` writes the plan through
``gridmgmt.areas.services.boundaries_save`` (new boundary versions from
``valid_from``, all in one transaction) and files the change in the audit
trail. Geometry is WGS84 (EPSG:4326), (lng, lat); areas are measured in
metres on a local equirectangular plane.
"""

from dataclasses import dataclass, field
from datetime import date

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import GeometryCollection, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gridmgmt.areas.boundary_reader import BoundaryRecord
from gridmgmt.areas.models import Community, Street
from gridmgmt.areas.services import BoundaryImportRefused, boundaries_save
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.gis.audit import change_record, reason_problem
from spatial.equirectangular import equirectangular
from spatial.topology import lies_outside

LEVELS = {"street": (Street, "district"), "community": (Community, "street")}
# The levels' names inside a reason, in the reader's language.
LEVEL_NAMES = {"street": gettext_lazy("street"), "community": gettext_lazy("community")}
# Pieces smaller than this (m²) are float dust of a subtraction, not land anyone gave up or took.
DUST_M2 = 1.0
# How near (degrees, ≈1 cm) a given-up piece must lie to a neighbour to count as sharing its edge.
EDGE_SNAP_DEG = 1e-7


class BoundaryEditError(ValueError):
    """The request cannot be planned (unknown area, not a polygon); the message names the problem."""


class BoundaryEditConflict(BoundaryEditError):
    """The boundary was saved by someone else since the editor drew on it; nothing was written."""


@dataclass
class Problem:
    """One topology problem: ``kind`` (invalid, swallowed, outside_parent, overlap, gap, child_outside),
    the reason in the reader's language and where it is (WGS84 geometry)."""

    kind: str
    reason: str
    geometry: BaseGeometry

    def as_feature(self) -> dict:
        return {"type": "Feature", "geometry": shapely.geometry.mapping(self.geometry),
                "properties": {"kind": self.kind, "reason": self.reason}}


@dataclass
class BoundaryEditPlan:
    level: str
    code: str
    geometries: dict[str, MultiPolygon]
    """New boundary per area code: the edited area first, then the neighbours that follow."""
    before: dict[str, MultiPolygon]
    problems: list[Problem] = field(default_factory=list)

    @property
    def neighbours(self) -> list[str]:
        return [code for code in self.geometries if code != self.code]


def _shapely(geom) -> BaseGeometry:
    return shapely.from_wkb(bytes(geom.wkb))


def _multipolygon(geom: BaseGeometry, to_metric) -> MultiPolygon:
    """The polygonal parts of ``geom`` above the dust size, as one MultiPolygon (possibly empty)."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and to_metric(p).area >= DUST_M2]
    return MultiPolygon(parts)


def _area_m2(geom: BaseGeometry, to_metric) -> float:
    return to_metric(geom).area


def _invalid_problems(geometry: BaseGeometry) -> list[Problem]:
    if not isinstance(geometry, Polygon | MultiPolygon) or geometry.is_empty:
        return [Problem("invalid", _("The boundary must be a polygon with an area."), GeometryCollection())]
    if geometry.is_valid:
        return []
    reason = shapely.is_valid_reason(geometry)  # e.g. "Self-intersection[113.27 23.125]"
    where = Point()
    if "[" in reason:
        x, y = reason[reason.index("[") + 1:reason.rindex("]")].split()[:2]
        where = Point(float(x), float(y))
    return [Problem("invalid", _("Invalid ring: %(reason)s") % {"reason": reason}, where)]


def _give_up_to_neighbours(given_up: BaseGeometry, neighbours: dict[str, BaseGeometry]) -> dict[str, list]:
    """Each piece of given-up land goes to the neighbour sharing the longest edge with it."""
    shares: dict[str, list] = {code: [] for code in neighbours}
    for piece in shapely.get_parts(given_up):
        edge = {code: piece.boundary.intersection(geom.buffer(EDGE_SNAP_DEG)).length
                for code, geom in neighbours.items()}
        best = max(edge, key=edge.get, default=None)
        if best is not None and edge[best] > 0:
            shares[best].append(piece)
    return shares


def boundary_edit_plan(*, level: str, code: str, geometry: BaseGeometry,
                       neighbours_follow: bool = False) -> BoundaryEditPlan:
    """Plan the edit of one street's or community's boundary to ``geometry`` (WGS84).

    With ``neighbours_follow`` each neighbour's new boundary is the neighbour
    minus the edited area plus the land the edited area gave up next to it,
    so a moved shared edge moves on both sides. The plan lists every problem
    (invalid ring, outside the parent, overlap with a sibling, a gap left
    behind, for a street a community left outside it) with its geometry; an
    empty list means ``boundary_edit`` will save it.

    Raises ``BoundaryEditError`` for an unknown level or code.
    """
    if level not in LEVELS:
        raise BoundaryEditError(_("Unknown level %(level)s: street or community.") % {"level": level})
    model, parent_field = LEVELS[level]
    area = model.objects.select_related(parent_field).filter(code=code).first()
    if area is None:
        raise BoundaryEditError(_("No %(level)s with code %(code)s.") % {"level": LEVEL_NAMES[level], "code": code})
    old = _shapely(area.boundary)
    plan = BoundaryEditPlan(level=level, code=code, geometries={}, before={code: old})
    plan.problems = _invalid_problems(geometry)
    if plan.problems:
        return plan
    to_metric, _to_wgs84 = equirectangular(old.union(geometry).envelope)
    new = _multipolygon(geometry, to_metric)
    plan.geometries[code] = new
    search = GEOSGeometry(old.union(new).envelope.wkt, srid=STORAGE_SRID)
    siblings = {s.code: _shapely(s.boundary)
                for s in model.objects.exclude(pk=area.pk).filter(boundary__intersects=search)}
    if neighbours_follow:
        given_up = old.difference(new)
        shares = _give_up_to_neighbours(given_up, siblings)
        for other, geom in siblings.items():
            moved = shapely.union_all([geom.difference(new), *shares[other]])
            moved = _multipolygon(moved, to_metric)
            if _area_m2(moved.symmetric_difference(geom), to_metric) >= DUST_M2:
                plan.geometries[other] = moved
                plan.before[other] = geom
    plan.problems = _topology_problems(plan, area, siblings, old, to_metric)
    return plan


def _topology_problems(plan: BoundaryEditPlan, area, siblings: dict, old: BaseGeometry, to_metric) -> list[Problem]:
    tolerance_m2 = settings.TOPOLOGY_OVERLAP_TOLERANCE_M2
    # The containment tolerance in degrees of latitude (the smaller degree): never looser than asked.
    tolerance_deg = settings.TOPOLOGY_CONTAINMENT_TOLERANCE_M / 110_574.0
    problems = []
    # A neighbour that follows can lose all its land (the edited area swallowed it): an area with no
    # boundary would keep its grids, buildings and cases nowhere (merging areas is an import, not an edit).
    for code, geom in plan.geometries.items():
        if geom.is_empty:
            problems.append(Problem("swallowed", _("%(code)s would be left with no land.") % {"code": code},
                                    plan.before.get(code, GeometryCollection())))
    parent = getattr(area, LEVELS[plan.level][1])
    parent_geom = _shapely(parent.boundary)
    for code, geom in plan.geometries.items():
        outside = geom.difference(parent_geom.buffer(tolerance_deg))
        if lies_outside(_area_m2(outside, to_metric), _area_m2(geom, to_metric), tolerance_m2):
            problems.append(Problem("outside_parent", _("%(code)s lies %(m2).0f m² outside its parent %(parent)s.")
                                    % {"code": code, "m2": _area_m2(outside, to_metric), "parent": parent.code},
                                    outside))
    final = {**siblings, **plan.geometries}
    edited = list(plan.geometries)
    for i, code in enumerate(edited):
        for other, geom in final.items():
            if other == code or (other in edited and edited.index(other) < i):
                continue
            shared = plan.geometries[code].intersection(geom)
            if _area_m2(shared, to_metric) > tolerance_m2:
                problems.append(Problem("overlap", _("%(code)s overlaps %(other)s by %(m2).0f m².")
                                        % {"code": code, "other": other, "m2": _area_m2(shared, to_metric)},
                                        shared))
    before = shapely.union_all(list(plan.before.values()))
    after = shapely.union_all(list(plan.geometries.values()))
    for piece in shapely.get_parts(before.difference(after)):
        if _area_m2(piece, to_metric) > tolerance_m2:
            problems.append(Problem("gap", _("A gap of %(m2).0f m² that no %(level)s covers any more.")
                                    % {"m2": _area_m2(piece, to_metric), "level": LEVEL_NAMES[plan.level]}, piece))
    if plan.level == "street":
        for child in area.communities.all():
            outside = _shapely(child.boundary).difference(plan.geometries[plan.code].buffer(tolerance_deg))
            if _area_m2(outside, to_metric) > tolerance_m2:
                problems.append(Problem("child_outside", _("Community %(code)s would lie %(m2).0f m² outside.")
                                        % {"code": child.code, "m2": _area_m2(outside, to_metric)}, outside))
    return problems


class BoundaryEditRefused(Exception):
    """The plan has problems; nothing was written. ``plan.problems`` says where and why."""

    def __init__(self, plan: BoundaryEditPlan):
        self.plan = plan
        super().__init__("; ".join(p.reason for p in plan.problems))


def boundary_edit(*, user, level: str, code: str, geometry: BaseGeometry, reason: str, based_on_version: int,
                  valid_from: date | None = None, neighbours_follow: bool = False) -> BoundaryEditPlan:
    """Save the edited boundary (and the neighbours that follow) as new boundary versions, and audit it.

    ``based_on_version`` is the area's ``boundary_version`` the editor drew
    on: when someone saved the boundary since, ``BoundaryEditConflict`` and
    nothing is written (two editors must not overwrite each other unseen).
    ``valid_from`` (default today) starts the new versions; it may not lie
    before a current version's start. Raises ``BoundaryEditError`` (bad
    request, such a day included), ``BoundaryEditRefused`` (topology
    problems; nothing written).
    """
    if not reason.strip():
        raise BoundaryEditError(_("Say why the boundary changes."))
    problem = reason_problem(reason)
    if problem:
        raise BoundaryEditError(problem)
    with transaction.atomic():
        _lock_around(level, code, geometry)
        return _boundary_save(user=user, level=level, code=code, geometry=geometry, reason=reason,
                              based_on_version=based_on_version, valid_from=valid_from,
                              neighbours_follow=neighbours_follow)


def _lock_around(level: str, code: str, geometry: BaseGeometry) -> None:
    """Lock the area and every area of its level its old or new boundary's envelope meets, by id (the
    import core's order), so the version check, the plan and the save see one state."""
    model = LEVELS[level][0] if level in LEVELS else None
    area = model.objects.filter(code=code).only("boundary").first() if model else None
    if area is None:
        return  # the plan names the unknown level or code
    # Bounds, not a union: the drawn ring may be invalid (the plan names that).
    search = GEOSGeometry(shapely.box(*shapely.total_bounds([_shapely(area.boundary), geometry])).wkt,
                          srid=STORAGE_SRID)
    list(model.objects.select_for_update().filter(boundary__intersects=search).order_by("pk").values_list("pk"))


def _boundary_save(*, user, level: str, code: str, geometry: BaseGeometry, reason: str, based_on_version: int,
                   valid_from: date | None, neighbours_follow: bool) -> BoundaryEditPlan:
    plan = boundary_edit_plan(level=level, code=code, geometry=geometry, neighbours_follow=neighbours_follow)
    model = LEVELS[level][0]
    current = model.objects.get(code=code).boundary_version
    if current != based_on_version:
        raise BoundaryEditConflict(
            _("%(code)s was saved by someone else since you drew on it (version %(current)s, yours %(yours)s): "
              "reload the map and edit again.") % {"code": code, "current": current, "yours": based_on_version})
    if plan.problems:
        raise BoundaryEditRefused(plan)
    areas = model.objects.in_bulk(list(plan.geometries), field_name="code")
    # Said before the import core would refuse it among topology problems (in English): a version never
    # starts before the one it closes.
    day = valid_from or date.today()
    for c, area in areas.items():
        if area.boundary_valid_from > day:
            raise BoundaryEditError(_("Valid from %(day)s is before the current boundary of %(code)s, which starts "
                                      "%(start)s: choose that day or a later one.")
                                    % {"day": day.isoformat(), "code": c, "start": area.boundary_valid_from.isoformat()})
    records = [BoundaryRecord(index=i, code=c, name=areas[c].name, name_en=areas[c].name_en,
                              parent_code=getattr(areas[c], LEVELS[level][1]).code, geometry=g)
               for i, (c, g) in enumerate(plan.geometries.items(), start=1)]
    try:
        boundaries_save(records=records, level=level, valid_from=day, source=f"gis editor: {user.get_username()}")
    except BoundaryImportRefused as exc:
        # The import core's own check (same rules, its own tolerances) has the last word.
        plan.problems = [Problem("refused", text, GeometryCollection()) for text in exc.report.refused]
        raise BoundaryEditRefused(plan) from None
    change_record(user=user, kind="boundary", action="edit", code=code, reason=reason,
                  before=plan.before, after=plan.geometries)
    return plan
