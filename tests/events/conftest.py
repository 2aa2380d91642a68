"""Tiny hand-checkable areas for event tests (real PostGIS).

::

    lat 23.13 +-----------+-----------+
              |  C1        |  C2        |   street 440104001, district 440104
              |  grid ..01 |  (no grid) |   seam at lng 113.27
    lat 23.12 +-----------+-----------+
         lng 113.26    113.27      113.28

C1 = 440104001001 with one active grid 44010400100101 covering all of it;
C2 = 440104001002, not subdivided. Classes: 1102 exposed rubbish (default
HW), 1503 waterlogging (default SW, requires depth_cm), 1601 other (no
default: manual routing), component class 0101 (default GS).
"""

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from gridmgmt.areas.models import Department
from gridmgmt.events.models import BigClass, SmallClass
from tests import factories

INSIDE_C1 = (23.125, 113.265)  # (lat, lng)
INSIDE_C2 = (23.125, 113.275)
OUTSIDE = (42.3594, -71.0587)  # Boston City Hall


@pytest.fixture
def areas(db):
    district = factories.district((113.26, 23.12, 113.28, 23.13))
    street = factories.street(district, (113.26, 23.12, 113.28, 23.13))
    c1 = factories.community(street, (113.26, 23.12, 113.27, 23.13), name="一社区")
    c2 = factories.community(street, (113.27, 23.12, 113.28, 23.13), code="440104001002", name="二社区")
    generation = factories.grid_generation()
    grid = factories.grid(c1, (113.26, 23.12, 113.27, 23.13), generation=generation, households=150,
                          residents=400, area_m2=1.1e6)
    return SimpleNamespace(district=district, street=street, c1=c1, c2=c2, grid=grid, generation=generation)


@pytest.fixture
def catalogue(db):
    depts = {code: Department.objects.create(code=code, name=name) for code, name in
             [("HW", "环卫"), ("SW", "水务"), ("GS", "供水"), ("JDB", "街道办"), ("CGJ", "城管局")]}
    events_big = BigClass.objects.create(code="11", kind="event", name="市容环境")
    other_big = BigClass.objects.create(code="16", kind="event", name="其他事件")
    emergency_big = BigClass.objects.create(code="15", kind="event", name="突发事件")
    component_big = BigClass.objects.create(code="01", kind="component", name="公用设施")
    rubbish = SmallClass.objects.create(big_class=events_big, code="1102", name="暴露垃圾",
                                        name_en="Exposed rubbish", default_department=depts["HW"],
                                        time_limit_value=4, time_limit_unit="working_hours")
    waterlogging = SmallClass.objects.create(
        big_class=emergency_big, code="1503", name="道路积水", name_en="Waterlogging",
        default_department=depts["SW"], time_limit_value=4, time_limit_unit="working_hours",
        attributes=[
            {"code": "depth_cm", "datatype": "number", "required": True, "order": 1,
             "description": "Water depth, in centimetres"},
            {"code": "blocks_traffic", "datatype": "singlevaluelist", "required": False, "order": 2,
             "description": "Blocks traffic?", "values": [{"key": "yes", "name": "yes"}, {"key": "no", "name": "no"}]},
        ])
    other = SmallClass.objects.create(big_class=other_big, code="1601", name="其他事件", name_en="Other",
                                      time_limit_value=5, time_limit_unit="working_days")
    cover = SmallClass.objects.create(big_class=component_big, code="0101", name="上水井盖",
                                      default_department=depts["GS"], time_limit_value=4,
                                      time_limit_unit="working_hours")
    return SimpleNamespace(depts=depts, rubbish=rubbish, waterlogging=waterlogging, other=other, cover=cover)


def make_image(fmt="JPEG", size=(32, 24), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

