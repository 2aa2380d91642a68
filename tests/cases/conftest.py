"""A tiny hand-checkable district for case tests, on real PostGIS.

Two streets A and B, one community each, one grid each (0.01° squares side
by side near Yuexiu: A's grid spans lng 113.26–113.27, B's 113.27–113.28,
lat 23.12–23.13). Two departments. One user per role, scoped to A's grid,
community, street or department 1 unless the name says 2/B.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.areas.models import Community, Department, District, Street
from gridmgmt.events.models import BigClass, Event, SmallClass
from gridmgmt.grids.models import Grid, GridGeneration


def square(x0: float, y0: float, size: float = 0.01) -> Polygon:
    return Polygon.from_bbox((x0, y0, x0 + size, y0 + size))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    district = District.objects.create(code="440104", name="越秀区",
                                       boundary=MultiPolygon(square(113.26, 23.12, 0.02)))
    generation = GridGeneration.objects.create(target_households=200, code_digits=2)
    places = {}
    for letter, x0, seq in (("A", 113.26, "001"), ("B", 113.27, "002")):
        street = Street.objects.create(code=f"440104{seq}", name=f"街道{letter}", district=district,
                                       boundary=MultiPolygon(square(x0, 23.12)))
        community = Community.objects.create(code=f"{street.code}001", name=f"社区{letter}", street=street,
                                             boundary=MultiPolygon(square(x0, 23.12)))
        grid = Grid.objects.create(generation=generation, community=community, code=f"{community.code}01",
                                   sequence=1, polygon=square(x0, 23.12), households=200, residents=500,
                                   area_m2=1e6, active=True)
        places[letter] = {"street": street, "community": community, "grid": grid}
    d1 = Department.objects.create(code="CG", name="城管局")
    d2 = Department.objects.create(code="SW", name="水务局")
    big = BigClass.objects.create(code="11", kind="event", name="市容环境")
    rubbish = SmallClass.objects.create(big_class=big, code="1101", name="暴露垃圾", default_department=d1,
                                        time_limit_value=4, time_limit_unit="working_hours")
    return {"A": places["A"], "B": places["B"], "d1": d1, "d2": d2, "rubbish": rubbish}


@pytest.fixture
def users(world):
    A, B = world["A"], world["B"]
    specs = {
        "call_taker": (Role.CALL_TAKER, {}), "shift_leader": (Role.SHIFT_LEADER, {}),
        "dispatcher": (Role.DISPATCHER, {}), "leader": (Role.DISTRICT_LEADER, {}),
        "gis": (Role.GIS_EDITOR, {}),
        "head1": (Role.DEPARTMENT_HEAD, {"department": world["d1"]}),
        "handler1": (Role.DEPARTMENT_HANDLER, {"department": world["d1"]}),
        "handler2": (Role.DEPARTMENT_HANDLER, {"department": world["d2"]}),
        "workerA": (Role.GRID_WORKER, {"grid_code": A["grid"].code}),
        "workerB": (Role.GRID_WORKER, {"grid_code": B["grid"].code}),
        "street_supA": (Role.STREET_SUPERVISOR, {"street": A["street"]}),
        "community_supB": (Role.COMMUNITY_SUPERVISOR, {"community": B["community"]}),
    }
    made = {}
    for name, (role, scope) in specs.items():
        user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
        assignment = RoleAssignment(user=user, role=role, **scope)
        assignment.full_clean()
        assignment.save()
        made[name] = user
    return made



@pytest.fixture
def make_event(world, users):
    """A report in grid A (or B); the signal turns it into a case."""

    def make(letter: str = "A", *, lng: float | None = None, lat: float = 23.125, **extra) -> Event:
        place = world[letter]
        lng = lng if lng is not None else place["grid"].polygon.centroid.x
        return Event.objects.create(
            small_class=world["rubbish"], location=Point(lng, lat, srid=4326), grid=place["grid"],
            community=place["community"], street=place["street"], grid_code=place["grid"].code,
            community_code=place["community"].code, street_code=place["street"].code,
            department=world["rubbish"].default_department, routing_status="routed",
            reporter=users[f"worker{letter}"], channel="worker_app", **extra)

    return make


@pytest.fixture
def case_of():
    def get(event: Event):
        return event.case_source.case

    return get


def photo(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def client_as(users):
    def login(name: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[name])
        return client

    return login
