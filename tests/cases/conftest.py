"""A tiny hand-checkable district for case tests, on real PostGIS.

Two streets A and B, one community each, one grid each (0.01° squares side
by side near Yuexiu: A's grid spans lng 113.26–113.27, B's 113.27–113.28,
lat 23.12–23.13). Two departments. One user per role, scoped to A's grid,
community, street or department 1 unless the name says 2/B.
"""

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from gridmgmt.accounts.models import Role
from gridmgmt.events.models import BigClass, Event
from tests import factories
from tests.factories import square


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    district = factories.district(square(113.26, 23.12, 0.02))
    generation = factories.grid_generation()
    places = {}
    for letter, x0, seq in (("A", 113.26, "001"), ("B", 113.27, "002")):
        street = factories.street(district, square(x0, 23.12), code=f"440104{seq}", name=f"街道{letter}")
        community = factories.community(street, square(x0, 23.12), name=f"社区{letter}")
        grid = factories.grid(community, square(x0, 23.12), generation=generation)
        places[letter] = {"street": street, "community": community, "grid": grid}
    d1 = factories.department("CG", "城管局")
    d2 = factories.department("SW", "水务局")
    big = BigClass.objects.create(code="11", kind="event", name="市容环境")
    rubbish = factories.small_class("1101", "暴露垃圾", big=big, department=d1)
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
    return {name: factories.user(name, role, **scope) for name, (role, scope) in specs.items()}


@pytest.fixture
def make_event(world, users):
    """A report in grid A (or B); the signal turns it into a case."""

    def make(letter: str = "A", *, lng: float | None = None, lat: float = 23.125, **extra) -> Event:
        return factories.report(world[letter]["grid"], world["rubbish"], lng=lng, lat=lat,
                                reporter=users[f"worker{letter}"], **extra)

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
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # the refusals asserted here are the English source texts
        client.force_authenticate(users[name])
        return client

    return login


@pytest.fixture
def clock(monkeypatch):
    """Sets the services' "now": ``clock(at(2026, 3, 2, 9))``."""
    def set_now(moment: datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now
