"""Search, name pickers, sorting and merging duplicates in the console, in Chromium at desk and phone size."""

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from tests.web.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def report(lng: float, description: str) -> Case:
    return event_create(small_class_code="1102", point=Point(lng, 23.1255, srid=4326), channel="hotline",
                        description=description).event.case_source.case


def test_call_taker_finds_by_number_and_words_and_merges_a_duplicate(live_district, page_as, screenshot):
    first = report(113.2650, "垃圾堆在东门口")
    twin = report(113.26505, "东门口有垃圾")  # ~5 m away seconds later: a likely duplicate
    other = report(113.2780, "路灯不亮")

    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/console/")
    assert page.get_by_test_id("duplicate-flag").count() == 2
    page.locator("#id_q").fill(other.number)
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**q=*")
    numbers = page.locator("[data-testid=case-table] [data-testid=case-number]").all_inner_texts()
    assert numbers == [other.number]
    page.locator(f".case-point-{other.pk}").hover()  # the map names it by the same number
    # (a street's tooltip may stand open too, from the mouse crossing its outline on the way)
    assert page.locator(".leaflet-tooltip").filter(has_text=other.number).inner_text().startswith(f"{other.number} ")

    page.locator("#id_q").fill("东门")
    page.locator("#id_class_code").fill("暴露垃圾")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**class_code=*")
    numbers = page.locator("[data-testid=case-table] [data-testid=case-number]").all_inner_texts()
    assert sorted(numbers) == sorted([first.number, twin.number])
    screenshot(page, "console-list-search")

    page.get_by_test_id("sort-number").click()
    page.wait_for_url("**sort=number*")
    assert page.locator("[data-testid=case-table] [data-testid=case-number]").all_inner_texts() == [
        first.number, twin.number]

    page.goto(f"/console/cases/{first.pk}/")
    page.get_by_test_id("merge-form").wait_for()
    page.locator("#merge-note").fill("same heap, two callers")
    screenshot(page, "console-case-merge")
    page.get_by_test_id("merge-cases").click()
    page.locator(".messages .message.success").wait_for()
    twin.refresh_from_db()
    assert twin.status == "merged" and twin.merged_into_id == first.pk


def test_on_the_phone_the_other_filters_fold_under_the_search_and_an_unknown_class_is_named(live_district, page_as):
    report(113.2650, "x")
    page = page_as(live_district.users["dispatcher"], viewport=PHONE)
    page.goto("/console/")
    more = page.get_by_test_id("more-filters")
    assert page.locator("#id_q").is_visible() and not page.locator("#id_class_code").is_visible()
    more.locator("summary").click()
    page.locator("#id_class_code").fill("不存在")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**class_code=*")
    assert "不存在" in page.locator("#id_class_code-error").inner_text()  # a filter with an error stays unfolded
    assert "(1)" in more.locator("summary").inner_text()

    desk = page_as(live_district.users["dispatcher"], viewport=DESKTOP)
    desk.goto("/console/")
    assert desk.locator("#id_class_code").is_visible()  # at a desk every filter shows
