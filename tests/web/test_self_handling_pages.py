"""即报即处 on a report already sent: the page shows the photos before and queues the photo after and a note;
the device's queue closes the case through the API, offline too (the refusals of the step: tests/cases/test_ways_back)."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from tests.web.conftest import PHONE, SCREENSHOTS, png_bytes


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
def test_the_page_is_the_reporters_shows_the_photo_before_and_only_reads(small_district):
    case = own_report(small_district)
    worker = signed_in(small_district.users["worker"])
    assert f'href="/worker/fixed/{case.pk}/"' in worker.get("/worker/reports/").content.decode()
    page = worker.get(f"/worker/fixed/{case.pk}/")
    html = page.content.decode()
    assert page["X-Gridmgmt-User"] == "worker"  # kept by sw.js in this worker's cache: it opens offline
    assert 'data-testid="fixed-form"' in html and f'data-event="{case.sources.get().event_id}"' in html
    assert html.count('data-testid="photos-before"><a href="/media/') == 1
    assert worker.post(f"/worker/fixed/{case.pk}/", {"note": "done"}).status_code == 405  # writes go to the API
    assert signed_in(small_district.users["worker2"]).get(f"/worker/fixed/{case.pk}/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == "reported"


@pytest.mark.django_db
def test_a_report_without_a_photo_before_offers_no_closing(small_district):
    case = own_report(small_district, photo=False)
    html = signed_in(small_district.users["worker"]).get(f"/worker/fixed/{case.pk}/",
                                                         HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "needs one before" in html and 'data-testid="fixed-form"' not in html


@pytest.mark.browser
def test_worker_closes_a_sent_report_as_fixed_offline_and_it_goes_when_the_network_returns(live_district, page_as):
    case = own_report(live_district)
    page = page_as(live_district.users["worker"], viewport=PHONE)
    page.goto("/worker/reports/")
    page.get_by_test_id("fixed-link").click()
    page.wait_for_url(f"**/worker/fixed/{case.pk}/")
    page.context.set_offline(True)
    page.get_by_test_id("close-fixed").click()  # nothing yet: the page says what is missing
    assert page.get_by_test_id("fixed-error").inner_text()
    page.get_by_test_id("after-photo-input").set_input_files(
        {"name": "after.png", "mimeType": "image/png", "buffer": png_bytes("green")})
    page.get_by_test_id("fixed-note").fill("picked up the bag")
    page.screenshot(path=str(SCREENSHOTS / "worker-fixed-on-the-spot-phone.png"), full_page=True)
    page.get_by_test_id("close-fixed").click()
    page.locator("#receipts [data-testid=receipt][data-status=queued]").wait_for()
    assert Case.objects.get(pk=case.pk).status == "reported"

    page.context.set_offline(False)
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    case.refresh_from_db()
    assert case.status == "closed" and case.self_handled
    entry = case.history.get(action="self_handle")
    assert entry.note == "picked up the bag" and entry.attachments.count() == 1
    page.reload()
    assert page.get_by_test_id("fixed-form").count() == 0 and page.get_by_test_id("photos-after").locator("img").count() == 1
