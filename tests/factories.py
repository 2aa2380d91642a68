"""Test data factories: districts, streets, communities, grids, departments, classes, users and reports (cases).

Plain functions over the ORM on real PostGIS; every one takes the fields a
test cares about and defaults the rest. An area is a Polygon or a box
``(min_lng, min_lat, max_lng, max_lat)``, in WGS84 (EPSG:4326), so a test's
geometry can be checked by hand. A report made by :func:`report` becomes a
case through the app's own signal, as intake does.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from gridmgmt.accounts.models import RoleAssignment
from gridmgmt.areas.models import Community, Department, District, Street
from gridmgmt.events.models import BigClass, Event, SmallClass
from gridmgmt.grids.models import Grid, GridGeneration

Area = Polygon | tuple[float, float, float, float]
PASSWORD = "pw"
BEIJING = ZoneInfo("Asia/Shanghai")  # the project's TIME_ZONE


def at(*args) -> datetime:
    """A moment in Beijing time: ``at(2026, 3, 2, 16)`` is 16:00 there (08:00 UTC)."""
    return datetime(*args, tzinfo=BEIJING)


def box(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> Polygon:
    return Polygon.from_bbox((min_lng, min_lat, max_lng, max_lat))


def square(min_lng: float, min_lat: float, size: float = 0.01) -> Polygon:
    """A ``size``° square from its south-west corner (0.01° ≈ 1.0 km × 1.1 km at Guangzhou)."""
    return box(min_lng, min_lat, min_lng + size, min_lat + size)


def _polygon(area: Area) -> Polygon:
    return area if isinstance(area, Polygon) else box(*area)


def district(area: Area, *, code: str = "440104", name: str = "越秀区", **extra) -> District:
    return District.objects.create(code=code, name=name, boundary=MultiPolygon(_polygon(area)), **extra)


def street(district: District, area: Area, *, code: str = "440104001", name: str = "洪桥街道", **extra) -> Street:
    return Street.objects.create(code=code, name=name, district=district, boundary=MultiPolygon(_polygon(area)), **extra)


def community(street: Street, area: Area, *, code: str | None = None, name: str = "一社区", **extra) -> Community:
    """A community of ``street``; the code defaults to the street's code + 001."""
    return Community.objects.create(code=code or f"{street.code}001", name=name, street=street,
                                    boundary=MultiPolygon(_polygon(area)), **extra)


def grid_generation(*, target_households: int = 200, code_digits: int = 2) -> GridGeneration:
    return GridGeneration.objects.create(target_households=target_households, code_digits=code_digits)


def grid(community: Community, area: Area, *, sequence: int = 1, generation: GridGeneration | None = None,
         households: int = 200, residents: int = 500, area_m2: float = 1e6, active: bool = True) -> Grid:
    """An active grid coded ``<community code><sequence, 2 digits>`` (CJ/T 213 14-digit codes)."""
    return Grid.objects.create(
        generation=generation or GridGeneration.objects.first() or grid_generation(),
        community=community, code=f"{community.code}{sequence:02d}", sequence=sequence, polygon=_polygon(area),
        households=households, residents=residents, area_m2=area_m2, active=active)


def department(code: str, name: str, **extra) -> Department:
    return Department.objects.create(code=code, name=name, **extra)


def small_class(code: str, name: str, *, big: BigClass | None = None, department: Department | None = None,
                time_limit_value: int = 4, time_limit_unit: str = "working_hours", **extra) -> SmallClass:
    """An event class; its big class (code = first two digits) is made when not given."""
    big = big or BigClass.objects.get_or_create(code=code[:2], defaults={"kind": "event", "name": f"大类{code[:2]}"})[0]
    return SmallClass.objects.create(big_class=big, code=code, name=name, default_department=department,
                                     time_limit_value=time_limit_value, time_limit_unit=time_limit_unit, **extra)


def user(username: str, role: str | None = None, **scope):
    """A user (password ``pw``) with one role assignment when ``role`` is given, scoped by ``scope``
    (``grid_code=``, ``community=``, ``street=`` or ``department=``), validated as the admin would."""
    made = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    if role:
        assignment = RoleAssignment(user=made, role=role, **scope)
        assignment.full_clean()
        assignment.save()
    return made


def report(in_grid: Grid, kind: SmallClass, *, lng: float | None = None, lat: float | None = None,
           reporter=None, channel: str = "worker_app", **extra) -> Event:
    """A routed report inside ``in_grid`` (at its centroid unless given); the app's signal opens its case."""
    centre = in_grid.polygon.centroid
    community = in_grid.community
    return Event.objects.create(
        small_class=kind, location=Point(centre.x if lng is None else lng, centre.y if lat is None else lat, srid=4326),
        grid=in_grid, community=community, street=community.street, grid_code=in_grid.code,
        community_code=community.code, street_code=community.street.code, department=kind.default_department,
        routing_status="routed", reporter=reporter, channel=channel, **extra)
