"""Scenario 2: a report made offline is queued on the device, survives a reload, and is stored once."""

import pytest

from gridmgmt.events.models import Event
from tests.web.conftest import png_bytes

pytestmark = pytest.mark.browser


def receipt(page):
    return page.locator("#receipts [data-testid=receipt]")


def test_offline_report_is_queued_survives_reload_and_is_stored_once(live_district, page_as, screenshot):
    page = page_as(live_district.users["worker"], service_workers="allow")
    page.goto("/worker/report/")
    page.locator("html[data-offline-ready=true]").wait_for()  # the service worker has cached the page
    screenshot(page, "worker-report")

    page.context.set_offline(True)
    page.get_by_test_id("class-search").fill("垃圾")
    page.get_by_test_id("class-1102").click()
    page.get_by_test_id("photo-input").set_input_files(
        {"name": "rubbish.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.get_by_test_id("location-text").filter(has_text="23.125").wait_for()
    page.locator("#description").fill("离线上报")
    page.get_by_test_id("send-report").click()
    page.locator("#receipts [data-testid=receipt][data-status=queued]").wait_for()
    key = receipt(page).get_attribute("data-key")

    page.reload()  # offline: served by the service worker; the queue is in IndexedDB
    page.locator("#receipts [data-testid=receipt][data-status=queued]").wait_for()
    page.wait_for_timeout(300)  # the page's first send pass has run by now, and must not have sent it
    assert receipt(page).get_attribute("data-status") == "queued"
    assert Event.objects.count() == 0

    page.context.set_offline(False)  # the "online" event sends the queue
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    event = Event.objects.get()
    assert (event.idempotency_key, event.description, event.small_class.code) == (key, "离线上报", "1102")
    assert event.grid_code == live_district.grids[0].code
    assert event.reporter == live_district.users["worker"] and event.photos.count() == 1
    assert receipt(page).get_attribute("data-event-id") == str(event.pk)

    page.reload()  # a second page load retries nothing: the report is already sent
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    page.wait_for_timeout(500)
    assert Event.objects.count() == 1


def test_required_attribute_and_duplicates_shown_before_sending(live_district, page_as, screenshot):
    from django.contrib.gis.geos import Point

    from gridmgmt.events.services import event_create

    earlier = event_create(small_class_code="1503", point=Point(113.2651, 23.1251, srid=4326), channel="hotline",
                           attributes={"depth_cm": 20}, description="earlier report").event
    page = page_as(live_district.users["worker"])
    page.goto("/worker/report/")
    page.get_by_test_id("big-15").click()
    page.get_by_test_id("class-1503").click()
    page.get_by_test_id("location-text").filter(has_text="23.125").wait_for()
    page.locator("[data-testid=duplicate]").filter(has_text=str(earlier.pk)).wait_for()
    assert page.get_by_test_id("send-report").inner_text() in ("仍然上报", "Send anyway")
    screenshot(page, "worker-report-duplicates")

    page.get_by_test_id("send-report").click()  # depth_cm is required by the class
    assert "积水深度" in page.get_by_test_id("form-error").inner_text()
    page.get_by_label("积水深度 (cm) *").fill("35")
    page.get_by_test_id("send-report").click()
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    assert Event.objects.exclude(pk=earlier.pk).get().attributes == {"depth_cm": 35.0}


def test_refused_report_stays_on_the_device_with_the_servers_message(live_district, page_as):
    page = page_as(live_district.users["worker"])
    page.goto("/worker/report/")
    page.get_by_test_id("class-1102").click()
    page.get_by_test_id("location-text").filter(has_text="23.125").wait_for()
    live_district.rubbish.active = False  # withdrawn from the catalogue while the page was open
    live_district.rubbish.save()
    page.get_by_test_id("send-report").click()
    failed = page.locator("#receipts [data-testid=receipt][data-status=failed]")
    assert "1102" in failed.inner_text()  # the server's message names the refused code
    assert page.locator(".notice.error").filter(has_text="1102").is_visible()
    failed.get_by_role("button").click()  # removing it is the user's decision
    page.locator("#receipts [data-testid=receipt]").wait_for(state="detached")
    assert Event.objects.count() == 0


def test_signing_out_clears_the_cached_pages(live_district, page_as):
    page = page_as(live_district.users["worker"], service_workers="allow")
    page.goto("/worker/")
    page.locator("html[data-offline-ready=true]").wait_for()
    cached_home = "async () => Boolean(await caches.match('/worker/', { ignoreVary: true }))"
    assert page.evaluate(cached_home)
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/accounts/login/")
    assert not page.evaluate(cached_home)


def test_a_report_queued_while_a_pass_runs_is_sent_too(live_district, page_as):
    page = page_as(live_district.users["worker"])
    page.goto("/worker/report/")
    page.locator("#receipts").wait_for()
    statuses = page.evaluate("""async () => {
        const queue = await import('/static/js/offline_queue.js');
        const report = (text) => ({ user: 'worker', label: text, fields: {
            service_code: '1102', lat: '23.125', lng: '113.265', description: text, attributes: {} } });
        await queue.enqueue(report('first'));
        const running = queue.flush('worker');
        await queue.enqueue(report('second'));
        await queue.flush('worker');
        await running;
        return (await queue.listReports('worker')).map((r) => r.status);
    }""")
    assert statuses == ["sent", "sent"]
    assert sorted(Event.objects.values_list("description", flat=True)) == ["first", "second"]
