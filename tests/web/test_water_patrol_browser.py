"""A patrol recorded on the phone while offline, kept on the device, sent when the network is back (headless Chromium)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.water.models import Patrol, WaterBody
from tests.water.conftest import areas, patrol_rules  # noqa: F401
from tests.web.conftest import WORKER_GPS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patrol_recorded_offline_then_sent_once_online(areas, patrol_rules, new_context, live_server, screenshot):
    body = WaterBody.objects.create(code="WB-1", name="一号涌", kind="ditch", source="test",
                                    geometry=LineString((113.262, 23.1205), (113.262, 23.1295), srid=4326))
    worker = get_user_model().objects.create_user("worker1")
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, grid_code="44010400100101")
    context = new_context()
    sign_in(context, worker, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/water/patrol/")
    page.select_option("[data-testid=water-body]", body.code)
    context.set_offline(True)
    page.click("[data-testid=patrol-start]")
    lat = WORKER_GPS["latitude"]
    for step in range(1, 5):  # 4 m north each second: a walk, no GPS jump
        page.wait_for_timeout(1100)
        context.set_geolocation({"latitude": lat + step * 0.000036, "longitude": WORKER_GPS["longitude"]})
    page.wait_for_timeout(1100)
    page.click("[data-testid=patrol-stop]")
    page.wait_for_selector("[data-testid=patrols] li[data-status=queued]")
    assert not Patrol.objects.exists()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=patrols] li[data-status=sent]", timeout=20000)
    patrol = Patrol.objects.get()
    assert (patrol.worker, patrol.water_body, patrol.compliant) == (worker, body, False)  # 16 m: short
    assert 10 < patrol.length_m < 25 and patrol.dropped_fixes == 0
    assert context.blocked == []
    screenshot(page, "water-patrol-sent")
