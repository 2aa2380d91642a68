"""The console, department and KPI pages in Chromium: filters kept in the URL, bulk dispatch, screenshots."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from gridmgmt.cases import services
from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from gridmgmt.cases.kpis import TREND_MAX_MONTHS
from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.browser


def reports(district, n: int) -> list[Case]:
    return [event_create(small_class_code="1102", point=Point(113.2605 + 0.0018 * i, 23.1255, srid=4326),
                         channel="hotline", description=f"report {i}").event.case_source.case for i in range(n)]


def opened(district, cases) -> None:
    for case in cases:
        services.case_open(case_id=case.pk, version=case.version, actor=district.users["call_taker"])


def test_console_filters_survive_a_reload_and_bulk_dispatch_sends_the_ticked(live_district, page_as, screenshot):
    cases = reports(live_district, 4)
    opened(live_district, cases[:3])
    overdue = Case.objects.get(pk=cases[2].pk)
    services.case_dispatch(case_id=overdue.pk, version=overdue.version, actor=live_district.users["dispatcher"])
    Case.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - timedelta(hours=2))

    page = page_as(live_district.users["dispatcher"], viewport=DESKTOP)
    page.goto("/console/")
    page.locator("#id_status").select_option("opened")
    page.locator("#id_grid").fill(live_district.grids[0].code)
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**/console/?*status=opened*")
    page.reload()
    assert page.locator("#id_status").input_value() == "opened"
    assert page.locator("#id_grid").input_value() == live_district.grids[0].code
    rows = page.locator("[data-testid=case-table] tbody tr[data-case]")
    assert sorted(int(r.get_attribute("data-case")) for r in rows.all()) == sorted(c.pk for c in cases[:2])
    page.locator("path.case-point").first.wait_for()  # the listed cases on the map beside the list

    page.locator("#select-all").check()
    page.locator("[data-testid=bulk-dispatch] button[type=submit]").click()
    page.locator(".messages .message.success").wait_for()
    assert "status=opened" in page.url  # back to the same filtered list
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases[:2]]).values_list("status", flat=True)) == {
        "dispatched"}

    page.goto("/console/?deadline=overdue")
    assert page.locator(f'tr.overdue[data-case="{overdue.pk}"] .deadline-overdue').count() == 1
    page.goto("/console/")
    screenshot(page, "console-list")
    opened(live_district, [Case.objects.get(pk=cases[3].pk)])
    page.goto(f"/console/cases/{cases[3].pk}/")
    page.get_by_test_id("dispatch-form").wait_for()
    screenshot(page, "console-case")
    assert page.context.blocked == []


def test_department_and_kpi_pages_render_on_phone_and_desktop(live_district, page_as, screenshot):
    cases = reports(live_district, 2)
    opened(live_district, cases)
    users = live_district.users
    for case in cases:
        services.case_dispatch(case_id=case.pk, version=2, actor=users["dispatcher"])
    done = cases[0]
    services.case_accept(case_id=done.pk, version=3, actor=users["handler"])

    page = page_as(users["handler"])
    page.goto("/department/")
    assert page.get_by_test_id("department-queue").locator("li").count() == 2
    screenshot(page, "department-queue")
    page.goto(f"/department/cases/{done.pk}/")
    page.get_by_test_id("feedback-form").wait_for()
    screenshot(page, "department-case")

    kpis = page_as(users["dispatcher"])
    kpis.goto("/console/kpis/?dimension=grid&start=2020-01-01&end=2030-12-31")
    assert kpis.get_by_test_id("kpi-table").locator("tbody tr").count() == 2  # both grids, the idle one with zeros
    assert kpis.get_by_test_id("kpi-trend-table").locator("tbody tr").count() == TREND_MAX_MONTHS
    assert "dimension=grid" in kpis.get_by_test_id("kpi-csv").get_attribute("href")
    screenshot(kpis, "console-kpis")
    assert page.context.blocked == [] and kpis.context.blocked == []
