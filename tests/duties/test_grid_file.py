"""The grid's file page (一格一档), joined by the grid code, cases by jurisdiction (real PostGIS)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, Point

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.areas.models import Department, HealthFacility
from gridmgmt.cases.models import Case
from gridmgmt.duties.models import GridCoverage
from gridmgmt.events.services import event_create
from gridmgmt.sensors.ingest import readings_ingest
from gridmgmt.sensors.services import sensor_create
from gridmgmt.water.models import WaterBody
from tests.web.test_english_pages import untranslated

URL = "/duties/grids/44010400100101/"


@pytest.fixture
def busy_grid(areas, duty_classes):
    event_create(small_class_code="2301", point=Point(113.262, 23.125, srid=4326), channel="hotline")
    sensor_create(code="noise-7", kind="noise", noise_zone_class="2", location=Point(113.263, 23.126, srid=4326))
    readings_ingest([("noise-7", b'{"value": 90}')])  # above day and night limits: an episode (STHJ event)
    HealthFacility.objects.create(osm_id=9, kind="clinic", name="一社区卫生站", location=Point(113.264, 23.124))
    WaterBody.objects.create(code="WB-9", name="九号涌", kind="canal", source="test",
                             geometry=LineString((113.261, 23.121), (113.269, 23.129), srid=4326))
    GridCoverage.objects.create(grid_code="44010400100101", households=150, households_within=120, share=0.8,
                                walk_limit_m=1080, computed_at="2026-11-01T00:00Z")
    return areas


def login(client, username, role, **scope):
    user = get_user_model().objects.create_user(username)
    RoleAssignment.objects.create(user=user, role=role, **scope)
    client.force_login(user)


def test_file_joins_every_duty_by_the_grid_code(client, busy_grid):
    login(client, "leader", Role.DISTRICT_LEADER)
    page = client.get(URL).content.decode()
    for expected in ("150", "一社区卫生站", "九号涌", "noise-7", "80%", "2301", "2401"):
        assert expected in page, expected


def test_department_reads_only_its_own_duty_cases(client, busy_grid):
    water_affairs = Department.objects.get(code="SW")
    Case.objects.filter(small_class__code="2301").update(department=water_affairs)  # as dispatched
    login(client, "sw-handler", Role.DEPARTMENT_HANDLER, department=water_affairs)
    page = client.get(URL).content.decode()
    assert "2301" in page and "2401" not in page  # the black-odour case is water affairs'; noise is ecology's


def test_unknown_grid_404_and_no_role_403(client, busy_grid):
    client.force_login(get_user_model().objects.create_user("nobody"))
    assert client.get(URL).status_code == 403
    login(client, "leader", Role.DISTRICT_LEADER)
    assert client.get("/duties/grids/44010400199999/").status_code == 404


def test_duties_page_lists_worst_served_and_traffic_segments(client, busy_grid):
    from django.contrib.gis.geos import LineString as Line

    from gridmgmt.areas.models import Road
    from gridmgmt.events.models import BigClass, SmallClass
    traffic = BigClass.objects.create(code="22", kind="event", name="交通管理")
    SmallClass.objects.create(big_class=traffic, code="2201", name="违法停车", time_limit_value=2,
                              time_limit_unit="working_hours")
    Road.objects.create(osm_id=1, name="东西路", highway="primary",
                        geometry=Line((113.261, 23.125), (113.269, 23.125), srid=4326))
    event_create(small_class_code="2201", point=Point(113.263, 23.1251, srid=4326), channel="hotline")
    login(client, "leader", Role.DISTRICT_LEADER)
    page = client.get("/duties/").content.decode()
    assert "44010400100101" in page and "80%" in page  # worst served
    assert "<td>东西路</td><td>主干道</td><td>1</td>" in page  # OSM's road class in words
    client.cookies["django_language"] = "en"
    page = client.get("/duties/").content.decode()
    assert "primary road" in page and untranslated(page) == []  # the road name marked lang="zh-Hans"


def test_english_file_names_without_english_marked_chinese_and_tables_headed(client, busy_grid):
    """Class, street, community, facility, water body: English where known, else the Chinese marked."""
    login(client, "leader", Role.DISTRICT_LEADER)
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert untranslated(page) == []
    assert '<span lang="zh-Hans" class="untranslated" title="No English name known">九号涌</span>' in page
    assert "(clinic)" in page and "(noise): 90.0 dB(A)" in page
    for header in ("Code", "Class", "Cases", "Month"):
        assert f'<th scope="col">{header}</th>' in page
    body = client.get("/water/WB-9/").content.decode()
    assert untranslated(body) == [] and "canal" in body and "no warning" in body


def test_coverage_map_has_a_legend_of_the_steps_it_colours_by(client, busy_grid):
    from gridmgmt.duties.views import COVERAGE_STEPS

    login(client, "leader", Role.DISTRICT_LEADER)
    legend = client.get("/duties/").content.decode().split('data-testid="coverage-legend"')[1]
    assert "15 分钟内可达的住户比例" in legend.split("</figure>")[0]
    client.cookies["django_language"] = "en"
    page = client.get("/duties/").content.decode()
    legend = page.split('data-testid="coverage-legend"')[1].split("</figure>")[0]
    assert "Share of households within 15 min" in legend and "No households" in legend
    assert [colour for _low, colour in COVERAGE_STEPS] == [
        part.split(")")[0].split('"')[0] for part in legend.split("background: ")[1:-1]]
    assert "0–25%" in legend and "≥ 90%" in legend
    assert '"steps": [[0.0, "#d7301f"]' in page  # the map colours by the same steps


def test_reports_page_says_when_reports_are_built_and_names_the_command_to_administrators(client, busy_grid):
    login(client, "leader", Role.DISTRICT_LEADER)
    client.cookies["django_language"] = "en"
    page = client.get("/duties/reports/").content.decode()
    assert "on its first daily run of each month" in page and "build_monthly_reports" not in page
    login(client, "admin", Role.ADMIN)
    assert "manage.py build_monthly_reports" in client.get("/duties/reports/").content.decode()
