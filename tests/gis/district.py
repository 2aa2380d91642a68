"""Two communities sharing an edge at lng 113.27, in one street, and a GIS editor (real PostGIS)::

    lat 23.13 +-----------+-----------+
              |   west    |   east    |   street 440104001 = both; district 440104
              | ..001001  | ..001002  |
    lat 23.12 +-----------+-----------+
         lng 113.26    113.27      113.28
"""

from datetime import date
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.areas.models import BoundaryVersion, Community, District, Street
from gridmgmt.grids.models import Grid

SINCE = date(2026, 1, 1)


def box(min_lng, min_lat, max_lng, max_lat) -> Polygon:
    return Polygon.from_bbox((min_lng, min_lat, max_lng, max_lat))


def make_user(username: str, role: str | None = None, **scope):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def build_two_communities() -> SimpleNamespace:
    whole = MultiPolygon(box(113.26, 23.12, 113.28, 23.13))
    district = District.objects.create(code="440104", name="越秀区", boundary=whole)
    street = Street.objects.create(code="440104001", name="洪桥街道", district=district, boundary=whole)
    # Version 1 from a fixed day, so edits dated 2026-12-01 come after it whenever the tests run.
    west = Community.objects.create(code="440104001001", name="西社区", street=street, boundary_valid_from=SINCE,
                                    boundary=MultiPolygon(box(113.26, 23.12, 113.27, 23.13)))
    east = Community.objects.create(code="440104001002", name="东社区", street=street, boundary_valid_from=SINCE,
                                    boundary=MultiPolygon(box(113.27, 23.12, 113.28, 23.13)))
    for area in (west, east):
        BoundaryVersion.objects.create(level="community", code=area.code, version=1, name=area.name,
                                       geometry=area.boundary, valid_from=area.boundary_valid_from)
    return SimpleNamespace(district=district, street=street, west=west, east=east,
                           gis=make_user("gis", Role.GIS_EDITOR), dispatcher=make_user("dispatcher", Role.DISPATCHER))


def add_lattice(community, *, x0: float, households: int) -> None:
    """9 point buildings on a 3 × 3 lattice at 0.0025° steps inside the community's 0.01° square from ``x0``."""
    from django.contrib.gis.geos import Point

    from gridmgmt.areas.models import Building
    Building.objects.bulk_create([
        Building(community=community, households=households, location=Point(x0 + 0.0025 * (1 + i % 3),
                 23.12 + 0.0025 * (1 + i // 3), srid=4326), source="test", source_id=f"{community.code}-{i}")
        for i in range(9)])


def as_the_map_shows(body: dict) -> dict:
    """A grid edit's ``body`` with ``based_on_generation``, the generation of its community's grids as the
    editor's map shows them now (the grid, the first of the grids, or the community it names), unless it
    gives one."""
    if "based_on_generation" in body:
        return body
    def readable(text) -> bool:  # a hostile body's text that no query could take (NUL) names nothing shown
        return isinstance(text, str) and "\x00" not in text

    grid, community = body.get("grid"), body.get("community")
    codes = [grid] if readable(grid) else [c for c in body.get("grids") or [] if readable(c)]
    active = Grid.objects.active()
    shown = (active.filter(code__in=codes).first() if codes else
             active.filter(community__code=community).first() if readable(community) else None)
    return {**body, "based_on_generation": shown.generation_id if shown else 1}
