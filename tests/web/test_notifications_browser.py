"""The inbox in Chromium: the unread count in the header, opening a notification goes to its case."""

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.cases import services
from gridmgmt.events.services import event_create
from tests.web.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_handler_reads_a_notification_in_the_browser(live_district, page_as, screenshot):
    case = event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326),
                        channel="hotline").event.case_source.case
    case = services.case_open(case_id=case.pk, version=case.version, actor=live_district.users["call_taker"])
    services.case_dispatch(case_id=case.pk, version=case.version, actor=live_district.users["dispatcher"])
    page = page_as(live_district.users["handler"], viewport=PHONE)
    page.goto("/department/")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("inbox-link").click()
    page.wait_for_url("**/notifications/")
    screenshot(page, "notifications-inbox")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("open-notification").first.click()
    page.wait_for_url(f"**/department/cases/{case.pk}/")
    assert page.get_by_test_id("unread-count").count() == 0
