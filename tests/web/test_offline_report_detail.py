"""'My reports' and each report's detail open offline from the last sync, with their photos, per worker (R14)."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridmgmt.cases import services
from gridmgmt.events.services import event_create
from tests.web.conftest import SCREENSHOTS, png_bytes


def photo(name, color):
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def own_handled_report(district):
    """The worker's report with a photo before, dispatched and fed back with a photo after (waiting for the check)."""
    users = district.users
    event = event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326), channel="worker_app",
                         reporter=users["worker"], description="楼下垃圾桶满溢", photos=[photo("before.png", "red")]).event
    return event, handled(users, event.case_source.case, photo("after.png", "green"))


def handled(users, case, after):
    """``case`` (just reported) opened, dispatched, accepted and fed back with the photo ``after``."""
    services.case_open(case_id=case.pk, version=1, actor=users["call_taker"])
    services.case_dispatch(case_id=case.pk, version=2, actor=users["dispatcher"])
    services.case_accept(case_id=case.pk, version=3, actor=users["handler"])
    services.case_handle(case_id=case.pk, version=4, actor=users["handler"], feedback="已清运", photos=[after])
    return case


@pytest.mark.django_db
def test_a_report_detail_and_its_case_state_are_the_reporters_only(small_district):
    event, case = own_handled_report(small_district)
    mine, other = Client(), Client()
    mine.force_login(small_district.users["worker"])
    other.force_login(small_district.users["worker2"])
    page = mine.get(f"/worker/reports/{event.pk}/")
    assert page.status_code == 200 and page["X-Gridmgmt-User"] == "worker"  # cached by sw.js in worker's own cache
    assert case.number in page.content.decode() and "楼下垃圾桶满溢" in page.content.decode()
    assert mine.get(f"/worker/reports/{event.pk}/case.json").json() == {"event": event.pk, "case": {
        "id": case.pk, "number": case.number, "version": 5, "status": "handled", "self_handled": False}}
    assert other.get(f"/worker/reports/{event.pk}/").status_code == 404
    assert other.get(f"/worker/reports/{event.pk}/case.json").status_code == 404
    assert f'href="/worker/reports/{event.pk}/"' in mine.get("/worker/reports/").content.decode()


@pytest.mark.browser
def test_report_detail_opened_offline_after_a_sync_shows_its_data_photos_and_when(live_district, page_as):
    event, case = own_handled_report(live_district)
    page = page_as(live_district.users["worker"], service_workers="allow")
    page.goto("/worker/reports/")  # the sync: the list, each report's detail and their photos into the worker's cache
    page.locator("html[data-offline-ready=true]").wait_for()
    assert page.get_by_test_id("offline-as-of").is_hidden()
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        const found = {};
        for (const name of names) {
            const cache = await caches.open(name);
            found[name] = (await cache.keys()).map((r) => new URL(r.url).pathname)
                .filter((path) => path.startsWith('/worker/reports/') || path.startsWith('/media/'));
        }
        return found;
    }""")
    assert sorted(cached["gridmgmt-user-worker"]) == sorted(
        [f"/worker/reports/{event.pk}/", "/worker/reports/", event.photos.get().image.url,
         case.history.get(action="handle").attachments.get().file.url])
    assert all(not paths for name, paths in cached.items() if name != "gridmgmt-user-worker")  # nobody else's cache

    page.context.set_offline(True)
    page.get_by_test_id("offline-as-of").wait_for()  # the list says it is the copy of the last sync
    page.get_by_test_id("report-link").click()
    page.wait_for_url(f"**/worker/reports/{event.pk}/")
    assert page.get_by_test_id("case-number").inner_text() == case.number
    assert page.get_by_test_id("report-description").inner_text() == "楼下垃圾桶满溢"
    note = page.get_by_test_id("offline-as-of")
    note.wait_for()
    assert note.inner_text().startswith(("离线", "Offline")) and case.received_at.strftime("%Y-") in note.inner_text()
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=before-after] img')].every((i) => i.complete && i.naturalWidth)")
    before, after = page.get_by_test_id("photos-before"), page.get_by_test_id("photos-after")
    assert before.locator("img").count() == after.locator("img").count() == 1
    box_before, box_after = before.bounding_box(), after.bounding_box()  # its stylesheet came with it: side by side
    assert box_before["x"] + box_before["width"] <= box_after["x"] and abs(box_before["y"] - box_after["y"]) < 40
    page.screenshot(path=str(SCREENSHOTS / "worker-report-detail-offline-phone.png"), full_page=True)
    assert page.context.blocked == []

    page.context.set_offline(False)
    note.wait_for(state="hidden")


@pytest.mark.django_db
def test_report_outside_my_grid_shows_my_photo_before_but_not_the_cases_photos_after(small_district):
    users = small_district.users
    # Reported by the worker of grid 01 in grid 02: the report is theirs, the case is not in their jurisdiction.
    event = event_create(small_class_code="1102", point=Point(113.275, 23.125, srid=4326), channel="worker_app",
                         reporter=users["worker"], photos=[photo("mine.png", "red")]).event
    case = handled(users, event.case_source.case, photo("theirs.png", "green"))
    worker = Client()
    worker.force_login(users["worker"])
    html = worker.get(f"/worker/reports/{event.pk}/").content.decode()
    mine, theirs = event.photos.get().image.url, case.history.get(action="handle").attachments.get().file.url
    assert mine in html and theirs not in html  # a photo the photo view would refuse is not shown broken
    assert (worker.get(mine).status_code, worker.get(theirs).status_code) == (200, 404)
