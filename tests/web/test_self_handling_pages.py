"""即报即处 on the worker's phone: close one's own fresh report with a photo after; refusals change nothing."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from tests.web.conftest import PHONE, png_bytes


def upload(name="p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def own_report(district, *, photo=True) -> Case:
    return event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326), channel="worker_app",
                        reporter=district.users["worker"], description="bag of rubbish",
                        photos=[upload("before.png")] if photo else []).event.case_source.case


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_worker_closes_own_report_fixed_on_the_spot(small_district):
    case = own_report(small_district)
    client = signed_in(small_district.users["worker"])
    assert f'href="/worker/fixed/{case.pk}/"' in client.get("/worker/reports/").content.decode()
    response = client.post(f"/worker/fixed/{case.pk}/", {"version": case.version, "note": "picked it up",
                                                          "photos": upload("after.png")})
    assert response.status_code == 302 and response["Location"] == "/worker/reports/"
    case.refresh_from_db()
    assert case.status == "closed" and case.self_handled
    assert case.history.get(action="self_handle").attachments.count() == 1


@pytest.mark.django_db
def test_without_a_photo_after_or_by_another_worker_nothing_changes(small_district):
    case = own_report(small_district)
    refused = signed_in(small_district.users["worker"]).post(
        f"/worker/fixed/{case.pk}/", {"version": case.version, "note": "done"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "photo after" in refused.content.decode()  # the service's reason
    assert signed_in(small_district.users["worker2"]).get(f"/worker/fixed/{case.pk}/").status_code == 404
    case.refresh_from_db()
    assert case.status == "reported"


@pytest.mark.django_db
def test_a_report_without_a_photo_before_is_refused(small_district):
    case = own_report(small_district, photo=False)
    response = signed_in(small_district.users["worker"]).post(
        f"/worker/fixed/{case.pk}/", {"version": case.version, "note": "done", "photos": upload()},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "photo before" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "reported"


@pytest.mark.browser
def test_worker_self_handles_on_the_phone(live_district, page_as, screenshot, tmp_path):
    case = own_report(live_district)
    page = page_as(live_district.users["worker"], viewport=PHONE)
    page.goto("/worker/reports/")
    page.get_by_test_id("fixed-link").click()
    page.wait_for_url(f"**/worker/fixed/{case.pk}/")
    after = tmp_path / "after.png"
    after.write_bytes(png_bytes("green"))
    page.locator("#fixed-photo").set_input_files(str(after))
    page.locator("#fixed-note").fill("picked up the bag")
    screenshot(page, "worker-fixed-on-the-spot")
    page.get_by_test_id("close-fixed").click()
    page.wait_for_url("**/worker/reports/")
    case.refresh_from_db()
    assert case.status == "closed" and case.self_handled
