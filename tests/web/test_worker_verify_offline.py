"""Verification queued on the phone like reports: sent when the network returns; a case that moved on is a conflict shown."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile

from gridmgmt.cases import services
from gridmgmt.cases.models import Case, Status
from tests.web.conftest import png_bytes
from tests.web.test_worker_verify import handled_case

pytestmark = pytest.mark.browser


def open_verification(page, case):
    page.goto(f"/worker/tasks/{case.pk}/")
    page.locator("#gps-status").filter(has_text="23.125").wait_for()
    page.get_by_test_id("verify-photo").set_input_files(
        {"name": "check.png", "mimeType": "image/png", "buffer": png_bytes("blue")})


def test_verification_made_offline_is_queued_and_closes_the_case_when_back_online(live_district, page_as):
    case = handled_case(live_district)
    page = page_as(live_district.users["worker"])
    open_verification(page, case)
    page.context.set_offline(True)
    page.get_by_test_id("verify-pass").click()
    page.locator("#receipts [data-testid=receipt][data-status=queued]").wait_for()
    assert Case.objects.get(pk=case.pk).status == Status.HANDLED
    page.context.set_offline(False)  # the "online" event sends the queue
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.history.get(action="verify_pass").attachments.count() == 1


def test_case_that_moved_on_before_the_queued_verification_is_sent_is_a_conflict_shown_not_dropped(
        live_district, page_as, screenshot):
    case = handled_case(live_district)
    page = page_as(live_district.users["worker"])
    open_verification(page, case)
    page.context.set_offline(True)
    page.locator("#verify-note").fill("仍有垃圾")
    page.get_by_test_id("verify-fail").click()
    page.locator("#receipts [data-testid=receipt][data-status=queued]").wait_for()
    # Meanwhile the case is verified from another device (closed): its version moves on.
    services.case_verify(case_id=case.pk, version=Case.objects.get(pk=case.pk).version,
                         actor=live_district.users["worker"], passed=True, location=Point(113.265, 23.125, srid=4326),
                         photos=[SimpleUploadedFile("other.png", png_bytes("green"), content_type="image/png")])
    page.context.set_offline(False)
    conflict = page.locator("#receipts [data-testid=receipt][data-status=conflict]")
    conflict.wait_for()
    assert str(case.pk) in conflict.inner_text() or "version" in conflict.inner_text().lower()
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED and not case.history.filter(
        action="verify_fail").exists()
    screenshot(page, "worker-verify-conflict")
    conflict.get_by_role("button").click()  # removing it is the worker's decision
    conflict.wait_for(state="detached")
