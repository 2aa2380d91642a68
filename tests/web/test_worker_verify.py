"""The grid worker's on-site verification (核查) through the page, on a case the department has handled."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile

from gridmgmt.cases import services
from gridmgmt.cases.models import Case, Status
from gridmgmt.events.services import event_create
from tests.web.conftest import png_bytes

pytestmark = pytest.mark.browser


def handled_case(district) -> Case:
    """A report in the worker's grid taken through open → dispatch → accept → handle by the services."""
    users = district.users
    event = event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326), channel="hotline",
                         description="路边垃圾堆").event
    case = event.case_source.case
    services.case_open(case_id=case.pk, version=case.version, actor=users["call_taker"])
    services.case_dispatch(case_id=case.pk, version=2, actor=users["dispatcher"])
    services.case_accept(case_id=case.pk, version=3, actor=users["handler"])
    services.case_handle(case_id=case.pk, version=4, actor=users["handler"], feedback="已清运",
                         photos=[SimpleUploadedFile("done.png", png_bytes("green"), content_type="image/png")])
    return Case.objects.get(pk=case.pk)


def test_worker_verifies_on_site_and_closes_the_case(live_district, page_as, screenshot):
    case = handled_case(live_district)
    assert case.verifier == live_district.users["worker"]
    page = page_as(live_district.users["worker"])
    page.goto("/worker/")
    page.get_by_test_id(f"task-{case.pk}").click()
    page.get_by_test_id("feedback").filter(has_text="已清运").wait_for()
    page.locator("path.layer-grids").wait_for()
    page.locator("#gps-status").filter(has_text="23.125").wait_for()
    screenshot(page, "worker-verify")

    page.get_by_test_id("verify-pass").click()  # no photo yet: refused in the page, nothing sent
    assert page.get_by_test_id("verify-error").inner_text() == "请先拍摄现场照片。"
    page.get_by_test_id("verify-photo").set_input_files(
        {"name": "check.png", "mimeType": "image/png", "buffer": png_bytes("blue")})
    page.get_by_test_id("verify-pass").click()
    page.locator("[data-testid=case-status][data-status=closed]").wait_for()

    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    check = case.history.get(action="verify_pass")
    assert check.actor == live_district.users["worker"] and check.attachments.count() == 1
    assert check.data == {"lng": 113.265, "lat": 23.125}  # the emulated GPS fix
    assert page.context.blocked == []


def test_worker_returns_the_case_for_rework_with_a_note(live_district, page_as):
    case = handled_case(live_district)
    page = page_as(live_district.users["worker"], locale="en-US")
    page.goto(f"/worker/tasks/{case.pk}/")
    page.locator("#gps-status").filter(has_text="23.125").wait_for()
    page.get_by_test_id("verify-photo").set_input_files(
        {"name": "check.png", "mimeType": "image/png", "buffer": png_bytes("blue")})
    page.get_by_test_id("verify-fail").click()  # rework needs a note saying what is wrong
    assert page.get_by_test_id("verify-error").inner_text() != ""
    page.locator("#verify-note").fill("垃圾仍未清理干净")
    page.get_by_test_id("verify-fail").click()
    page.locator("[data-testid=case-status][data-status=rework]").wait_for()
    case.refresh_from_db()
    assert (case.status, case.rework_count) == (Status.REWORK, 1)
    assert case.history.get(action="verify_fail").note == "垃圾仍未清理干净"
