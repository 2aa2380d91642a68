"""The dashboard's water and environment tabs in Chromium on demo-like data, and the menu that leads to them.

Demo-like: in the small district (tests/web/conftest.py, grids 01 and 02 side by side), a canal with a red warning
found severely black-odorous, a ditch never patrolled, a pond in order, a black-odour case; PM2.5, noise and
water-level sensors, the noise one exceeding with its event and case, the water-level one silent.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.utils import timezone

from gridmgmt.accounts.models import Role
from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from gridmgmt.sensors.models import Sensor, SensorEpisode
from gridmgmt.water.models import Patrol, WaterBody, WaterObservation
from gridmgmt.water.patrols import patrol_rules_ensure
from gridmgmt.web.roles import navigation_for
from tests import factories
from tests.factories import user as make_user
from tests.web.conftest import PHONE
from tests.web.map_page import shoot


def demo_duties(district) -> dict:
    patrol_rules_ensure()
    now = timezone.now()
    line = lambda *points: LineString(*points, srid=4326)  # noqa: E731
    canal = WaterBody.objects.create(code="DEMO-C1", name="东濠涌", kind="canal", source="test", warning_level="red",
                                     geometry=line((113.261, 23.1255), (113.268, 23.1262), (113.276, 23.1258)))
    WaterBody.objects.create(code="DEMO-D1", name="横沟", kind="ditch", source="test",
                             geometry=line((113.272, 23.122), (113.277, 23.128)))
    outline = Polygon.from_bbox((113.262, 23.121, 113.265, 23.123))
    outline.srid = 4326
    pond = WaterBody.objects.create(code="DEMO-P1", name="荔湾塘", kind="pond", source="test", geometry=outline)
    WaterObservation.objects.create(water_body=canal, location=Point(113.266, 23.126, srid=4326), source="manual",
                                    observed_at=now - timedelta(hours=5), black_odor_class=2)
    WaterObservation.objects.create(water_body=pond, location=Point(113.263, 23.122, srid=4326), source="manual",
                                    observed_at=now - timedelta(days=1), black_odor_class=0)
    Patrol.objects.create(worker=district.users["worker"], water_body=pond, grid_code=district.grids[0].code,
                          started_at=now - timedelta(hours=3), ended_at=now - timedelta(hours=2),
                          track=line((113.262, 23.121), (113.265, 23.123)), length_m=1100, duration_s=3600,
                          compliant=True, client_id="demo-1")
    factories.small_class("2301", "小微水体黑臭", department=district.department)
    water_case = event_create(small_class_code="2301", point=Point(113.267, 23.1262, srid=4326), channel="hotline")
    noise_report = event_create(small_class_code="1102", point=Point(113.2655, 23.1245, srid=4326), channel="hotline")

    def sensor(code, kind, lng, value, hours_ago, **extra):
        return Sensor.objects.create(code=code, kind=kind, name=code, location=Point(lng, 23.124, srid=4326),
                                     grid_code=district.grids[0 if lng < 113.27 else 1].code,
                                     community_code=district.community.code, street_code=district.street.code,
                                     last_value=value, last_reading_at=now - timedelta(hours=hours_ago), **extra)

    sensor("pm25-1", "pm25", 113.263, 38, 0.05)
    noise = sensor("noise-1", "noise", 113.2655, 72, 0.05, noise_zone_class="2")
    sensor("level-1", "water_level", 113.274, 1.1, 6, threshold=2.0)
    episode = SensorEpisode.objects.create(sensor=noise, started_at=now - timedelta(hours=2), peak_value=74.5,
                                           readings=12, event=noise_report.event)
    Sensor.objects.filter(pk=noise.pk).update(open_episode=episode)
    return {"water_case": water_case.event.case_source.case_id}


@pytest.mark.browser
def test_water_and_environment_tabs_draw_their_layers_and_fill_their_lists(live_district, page_as):
    demo = demo_duties(live_district)
    leader = make_user("leader", Role.DISTRICT_LEADER)
    page = page_as(leader)  # a phone first: the map frames the district at the size it opens with
    page.goto("/dashboard/")
    page.get_by_test_id("tab-water").click()
    page.locator("#dashboard-map[data-loaded-water='3']").wait_for()
    page.locator("path.layer-water-warning").wait_for(state="attached")  # the canal's red band
    assert page.locator("path.layer-water.odor-2").count() == 1  # the severely black-odorous canal
    assert page.locator("path.layer-water-cases").count() == 1
    worst = page.get_by_test_id("worst-water-body")
    assert worst.count() == 2  # the canal (black-odorous), the ditch (never patrolled); not the pond
    assert worst.first.locator("a").get_attribute("href") == "/water/DEMO-C1/"
    assert page.get_by_test_id("water-case").first.locator("a").get_attribute("href") == \
        f"/console/cases/{demo['water_case']}/"
    assert Case.objects.get(pk=demo["water_case"]).number in page.get_by_test_id("water-case").first.inner_text()
    assert page.get_by_test_id("layer-empty").is_hidden()
    shoot(page, "dashboard-water")

    page.set_viewport_size(PHONE)  # shoot() ends at desk size; the next page opens on a phone again
    page.get_by_test_id("tab-environment").click()
    page.locator("#dashboard-map[data-loaded-sensors='3']").wait_for()
    assert {page.locator(f"path.sensor-{state}").count() for state in ("ok", "exceeding", "stale")} == {1}
    episode = page.get_by_test_id("episode")
    assert episode.count() == 1 and live_district.grids[0].code in episode.inner_text()
    assert episode.locator("a").get_attribute("href").startswith("/console/cases/")
    shoot(page, "dashboard-environment")
    page.get_by_test_id("sensor-type").select_option("dust")  # no dust monitor: the empty state says so
    page.locator("#dashboard-map[data-loaded-sensors='0']").wait_for()
    assert page.get_by_test_id("layer-empty").is_visible()
    page.get_by_test_id("sensor-type").select_option("air")
    page.locator("#dashboard-map[data-loaded-sensors='1']").wait_for()
    assert page.locator("path.layer-sensors").count() == 1
    assert page.context.blocked == []


@pytest.mark.browser
def test_times_are_shown_in_the_districts_zone_whatever_the_devices_clock(live_district, page_as):
    # Seen: a PC left on UTC showed every time in UTC (toLocaleString in the device's zone), 8 hours off.
    demo_duties(live_district)
    started = SensorEpisode.objects.get().started_at
    shanghai, utc = (timezone.localtime(started, ZoneInfo(zone)) for zone in ("Asia/Shanghai", "UTC"))
    page = page_as(make_user("leader", Role.DISTRICT_LEADER), timezone_id="UTC")
    page.goto("/dashboard/")
    page.get_by_test_id("tab-environment").click()
    page.locator("#dashboard-map[data-loaded-sensors='3']").wait_for()
    text = page.get_by_test_id("episode").inner_text()
    assert re.search(rf"\b0?{shanghai.hour}:{shanghai:%M}:{shanghai:%S}\b", text), text
    assert not re.search(rf"\b0?{utc.hour}:{utc:%M}:{utc:%S}\b", text), text


@pytest.mark.browser
def test_water_view_says_why_it_is_empty(live_district, page_as):
    page = page_as(live_district.users["call_taker"])
    page.goto("/dashboard/water/")
    page.locator("#dashboard-map[data-loaded-water='0']").wait_for()
    assert "import_water_bodies" in page.get_by_test_id("layer-empty").inner_text()
    assert page.get_by_test_id("worst-water").locator("li.hint").count() == 1


def test_menu_leads_leaders_to_duties_and_reports_and_workers_to_the_patrol(small_district):
    leader = make_user("leader", Role.DISTRICT_LEADER)
    leader_paths = [path for path, _label in navigation_for(leader)]
    assert {"/dashboard/", "/duties/", "/duties/reports/"} <= set(leader_paths)
    worker_paths = [path for path, _label in navigation_for(small_district.users["worker"])]
    assert "/water/patrol/" in worker_paths and "/duties/" not in worker_paths
