"""The ways back through the pages in Chromium: a department returns a case, the dispatcher redispatches, a supervisor reopens."""

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import Department
from gridmgmt.cases import services
from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from tests.web.conftest import DESKTOP, PHONE, make_user

pytestmark = pytest.mark.browser


def dispatched_case(district) -> Case:
    case = event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326), channel="hotline",
                        description="rubbish by the gate").event.case_source.case
    case = services.case_open(case_id=case.pk, version=case.version, actor=district.users["call_taker"])
    return services.case_dispatch(case_id=case.pk, version=case.version, actor=district.users["dispatcher"])


def test_department_returns_a_case_and_the_dispatcher_redispatches_it(live_district, page_as, screenshot):
    water = Department.objects.create(code="SW", name="水务局", name_en="Water Affairs Bureau")
    case = dispatched_case(live_district)

    phone = page_as(live_district.users["handler"], viewport=PHONE)
    phone.goto(f"/department/cases/{case.pk}/")
    screenshot(phone, "department-case-return")
    phone.locator("#return-reason").fill("not ours: a blocked drain")
    phone.get_by_test_id("return-case").click()
    phone.locator(".messages .message.success").wait_for()
    assert Case.objects.get(pk=case.pk).status == "opened"

    desk = page_as(live_district.users["dispatcher"], viewport=DESKTOP, locale="en-GB")
    desk.goto(f"/console/cases/{case.pk}/")
    history = desk.get_by_test_id("case-history")
    assert "not ours: a blocked drain" in history.inner_text()
    desk.locator("#dispatch-department").select_option("SW")
    desk.locator("#dispatch-reason").fill("returned by sanitation")
    desk.get_by_test_id("dispatch-case").click()
    desk.locator(".messages .message.success").wait_for()
    case.refresh_from_db()
    assert case.status == "dispatched" and case.department == water

    # a wrong dispatch undone: redispatch back with a reason, the form lists only other departments
    options = desk.locator("#redispatch-department option").all_inner_texts()
    assert not any("Water Affairs" in o for o in options)
    desk.locator("#redispatch-department").select_option("HW")
    desk.locator("#redispatch-reason").fill("sanitation after all")
    screenshot(desk, "console-case-redispatch")
    desk.get_by_test_id("redispatch-case").click()
    desk.locator(".messages .message.success").wait_for()
    case.refresh_from_db()
    assert case.status == "dispatched" and case.department.code == "HW" and case.deadline > timezone.now()
    actions = [li.get_attribute("data-action") for li in desk.locator("[data-testid=case-history] li").all()]
    assert actions[-4:] == ["dispatch", "return", "dispatch", "redispatch"]


def test_shift_leader_reopens_a_closed_case_from_the_console(live_district, page_as):
    case = dispatched_case(live_district)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    leader = make_user("leader", Role.SHIFT_LEADER)
    page = page_as(leader, viewport=DESKTOP)
    page.goto(f"/console/cases/{case.pk}/")
    assert page.get_by_test_id("redispatch-form").count() == 0  # closed: only reopening applies
    page.locator("#reopen-reason").fill("the rubbish is back")
    page.get_by_test_id("reopen-case").click()
    page.locator(".messages .message.success").wait_for()
    case.refresh_from_db()
    assert case.status == "rework" and case.closed_at is None and case.deadline > timezone.now()
