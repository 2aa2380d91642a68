"""Scenario 1: the whole closed loop through the pages, on a phone (375×812), checked in the database.

A grid worker reports with a photo (worker page, emulated GPS); the
call-taker opens it and the dispatcher dispatches it (console; the
workflow gives opening to the supervision centre, not the dispatcher); the
department handler accepts and feeds back with a photo (department page);
the grid worker verifies on site (worker task page); the case is closed.
"""

import pytest

from gridmgmt.cases.models import Case
from gridmgmt.events.models import Event
from tests.web.conftest import png_bytes

pytestmark = pytest.mark.browser


def step_done(page):
    page.locator(".messages .message.success").wait_for()


def test_a_report_goes_round_the_closed_loop_through_the_pages(live_district, page_as):
    users = live_district.users

    # 1 collect: the grid worker reports from the phone.
    worker = page_as(users["worker"])
    worker.goto("/worker/report/")
    worker.get_by_test_id("class-search").fill("垃圾")
    worker.get_by_test_id("class-1102").click()
    worker.get_by_test_id("photo-input").set_input_files(
        {"name": "rubbish.png", "mimeType": "image/png", "buffer": png_bytes()})
    worker.get_by_test_id("location-text").filter(has_text="23.125").wait_for()
    worker.locator("#description").fill("巷口垃圾堆")
    worker.get_by_test_id("send-report").click()
    worker.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    event = Event.objects.get()
    case = event.case_source.case
    assert (case.status, event.photos.count(), case.grid_code) == ("reported", 1, live_district.grids[0].code)

    # 2 open (立案): the call-taker finds it in the console list and opens it.
    call_taker = page_as(users["call_taker"])
    call_taker.goto("/console/?status=reported")
    call_taker.locator(f'tr[data-case="{case.pk}"] a').click()
    call_taker.locator("[data-testid=case-history] li[data-action=report]").wait_for()
    assert call_taker.locator(".photos img").count() == 1  # the report's photo
    call_taker.get_by_test_id("open-case").click()
    step_done(call_taker)
    assert Case.objects.get(pk=case.pk).status == "opened"

    # 3 dispatch (派遣): the routed department is pre-selected.
    dispatcher = page_as(users["dispatcher"])
    dispatcher.goto(f"/console/cases/{case.pk}/")
    assert dispatcher.locator("#dispatch-department").input_value() == live_district.department.code
    dispatcher.get_by_test_id("dispatch-case").click()
    step_done(dispatcher)
    case.refresh_from_db()
    assert (case.status, case.department, case.deadline is not None) == (
        "dispatched", live_district.department, True)

    # 4–5 handle and feed back: the department handler accepts, then reports with a photo.
    handler = page_as(users["handler"])
    handler.goto("/department/")
    handler.get_by_test_id("department-queue").locator(f'a[href="/department/cases/{case.pk}/"]').click()
    handler.get_by_test_id("accept-case").click()
    step_done(handler)
    assert Case.objects.get(pk=case.pk).status == "accepted"
    handler.locator("#feedback-text").fill("已清运")
    handler.locator("#feedback-photos").set_input_files(
        {"name": "done.png", "mimeType": "image/png", "buffer": png_bytes("green")})
    handler.get_by_test_id("send-feedback").click()
    step_done(handler)
    case.refresh_from_db()
    assert (case.status, case.verifier) == ("handled", users["worker"])
    assert case.history.get(action="handle").attachments.count() == 1

    # 6 verify and close: the grid worker checks on site (emulated GPS inside the grid).
    worker.goto("/worker/")
    worker.get_by_test_id(f"task-{case.pk}").click()
    worker.get_by_test_id("feedback").filter(has_text="已清运").wait_for()
    worker.locator("#gps-status").filter(has_text="23.125").wait_for()
    worker.get_by_test_id("verify-photo").set_input_files(
        {"name": "check.png", "mimeType": "image/png", "buffer": png_bytes("blue")})
    worker.get_by_test_id("verify-pass").click()
    worker.locator("[data-testid=case-status][data-status=closed]").wait_for()
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    assert list(case.history.values_list("action", flat=True)) == [
        "report", "open", "dispatch", "accept", "handle", "verify_pass"]
    event.refresh_from_db()
    assert event.status == "closed"

    # The history is on the console's case page, with the photos of every step.
    call_taker.goto(f"/console/cases/{case.pk}/")
    assert call_taker.locator("[data-testid=case-history] li").count() == 6
    assert call_taker.locator(".photos img").count() == 3  # report, feedback, on-site check
    for page in (worker, call_taker, dispatcher, handler):
        assert page.context.blocked == []
