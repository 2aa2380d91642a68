"""A monthly folium report opened in headless Chromium with no outside request; a screenshot is saved."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils import timezone

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.duties.reports import monthly_report_build
from gridmgmt.events.services import event_create
from tests.water.conftest import areas, duty_classes, patrol_rules  # noqa: F401
from tests.web.conftest import sign_in

MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_report_opens_in_chromium_with_no_outside_request(areas, duty_classes, media_root, new_context, live_server,
                                                          screenshot):
    event_create(small_class_code="2301", point=Point(113.262, 23.125, srid=4326), channel="hotline")
    report = monthly_report_build(level="district", area_code="440104", month=MONTH, pdf=False)
    leader = get_user_model().objects.create_user("leader")
    RoleAssignment.objects.create(user=leader, role=Role.DISTRICT_LEADER)
    context = new_context(viewport={"width": 1200, "height": 900})
    sign_in(context, leader, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/duties/reports/{report.pk}.html")
    page.wait_for_selector(".leaflet-container path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() == 1  # the one grid, drawn by the inlined Leaflet
    assert context.blocked == []
    screenshot(page, "duties-monthly-report")
