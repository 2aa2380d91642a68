"""Robustness R6 and R14 of the worker's offline app.

R6: a report is marked sent only on the API's own JSON answer for it; a Wi-Fi
sign-in page answering 200 with HTML (or any other JSON) leaves it queued and
it is retried. R14: one phone, two workers: pages and queues are the signed-in
worker's own; nothing of worker A is shown to B, nothing is sent under B's name.
"""

import pytest

from gridmgmt.accounts.models import Role
from gridmgmt.events.models import Event
from tests.web.conftest import make_user, sign_in

pytestmark = pytest.mark.browser

PORTAL = "<html><body><h1>Free Wi-Fi: accept the terms to continue</h1></body></html>"
QUEUE = "await import('/static/js/offline_queue.js')"


def queue_report(page, description="离线上报", user="worker"):
    """Queues a report through the page's own queue module and returns its key."""
    return page.evaluate(f"""async () => {{
        const queue = {QUEUE};
        const record = await queue.enqueue({{ user: '{user}', label: 'test', fields: {{
            service_code: '1102', lat: '23.125', lng: '113.265', description: '{description}', attributes: {{}} }} }});
        return record.key;
    }}""")


def statuses(page, user="worker"):
    return page.evaluate(f"async () => ({QUEUE}).listReports('{user}').then((all) => all.map((r) => [r.status, r.error]))")


def flush(page, user="worker"):
    page.evaluate(f"async () => ({QUEUE}).flush('{user}')")


def report_page(page_as, user):
    page = page_as(user)
    page.goto("/worker/report/")
    page.locator("#receipts").wait_for()
    return page


def portal_on(page, *patterns) -> list[str]:
    """Answers ``patterns`` as a Wi-Fi sign-in page does (200, HTML); returns the URLs it answered."""
    seen = []

    def portal(route):
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=PORTAL)

    for pattern in patterns:
        page.route(pattern, portal)
    return seen


def test_wifi_login_page_answering_200_html_keeps_the_report_queued_and_it_is_retried(live_district, page_as):
    page = report_page(page_as, live_district.users["worker"])
    posts = portal_on(page, "**/api/events/")
    queue_report(page)
    flush(page)
    [(status, error)] = statuses(page)
    assert len(posts) == 1 and status == "queued" and "Wi-Fi" in error
    page.locator("#receipts [data-testid=receipt][data-status=queued]").wait_for()
    assert Event.objects.count() == 0

    page.unroute("**/api/events/")  # the worker has passed the sign-in page: the next pass sends it
    flush(page)
    assert [status for status, _ in statuses(page)] == ["sent"]
    assert Event.objects.get().description == "离线上报"
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()


def test_json_that_is_not_the_apis_answer_for_that_report_keeps_it_queued(live_district, page_as):
    page = report_page(page_as, live_district.users["worker"])
    # A proxy's own JSON, and a Feature of another class: neither is the answer for this report.
    answers = iter(['{"status": "ok"}', '{"type": "Feature", "id": 9, "properties": {"service_code": "9999"}}'])
    page.route("**/api/events/", lambda route: route.fulfill(status=200, content_type="application/json",
                                                              body=next(answers)))
    queue_report(page)
    flush(page)
    flush(page)
    assert [status for status, _ in statuses(page)] == ["queued"]
    assert Event.objects.count() == 0


def test_portal_answering_every_request_with_html_stops_the_pass_before_any_upload(live_district, page_as):
    page = report_page(page_as, live_district.users["worker"])
    seen = portal_on(page, "**/worker/me.json", "**/api/events/")
    queue_report(page)
    flush(page)
    assert [url.rsplit("/", 1)[-1] for url in seen] == ["me.json"]  # the session check failed: no upload tried
    assert [status for status, _ in statuses(page)] == ["queued"]


def test_shared_phone_page_left_open_by_worker_a_never_sends_under_worker_bs_session(live_district, page_as,
                                                                                     live_server):
    page = report_page(page_as, live_district.users["worker"])
    page.context.set_offline(True)
    queue_report(page, "worker A 的报告")
    page.context.set_offline(False)
    page.context.clear_cookies()
    sign_in(page.context, live_district.users["worker2"], live_server)  # B signs in on the same phone
    flush(page)  # A's page, still open, tries to send A's queue
    assert [status for status, _ in statuses(page)] == ["queued"]
    assert Event.objects.count() == 0

    page.goto("/worker/report/")  # B's own page shows nothing of A's queue
    page.locator("#receipts li.hint").wait_for()
    assert page.locator("#receipts [data-testid=receipt]").count() == 0
    assert page.locator("body").get_attribute("data-user") == "worker2"

    page.context.clear_cookies()
    sign_in(page.context, live_district.users["worker"], live_server)  # A back: A's report goes, under A
    page.goto("/worker/report/")
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    assert Event.objects.get().reporter == live_district.users["worker"]


def test_shared_phone_worker_b_offline_after_a_s_session_expired_sees_nothing_of_a(live_district, page_as,
                                                                                 live_server, settings,
                                                                                 screenshot):
    settings.SESSION_COOKIE_AGE = 6  # A's session ends 6 s after signing in
    page = page_as(live_district.users["worker"], service_workers="allow")
    page.goto("/worker/")
    page.locator("html[data-offline-ready=true]").wait_for()
    page.context.set_offline(True)
    page.reload()  # while A's session lives, A's page opens offline
    assert page.locator("body").get_attribute("data-user") == "worker"

    page.wait_for_timeout(6500)  # A's session has expired; B picks the phone up, still offline
    page.goto("/worker/")
    page.get_by_test_id("offline-signed-out").wait_for()
    assert page.locator("body").get_attribute("data-user") == ""
    assert page.locator("[data-testid=receipts], [data-testid=worker-map], [data-testid=current-user]").count() == 0
    assert live_district.grids[0].code not in page.content()
    screenshot(page, "worker-offline-signed-out")

    page.context.set_offline(False)
    page.context.clear_cookies()
    settings.SESSION_COOKIE_AGE = 3600
    b = make_user("worker_b", Role.GRID_WORKER, grid_code=live_district.grids[1].code)
    sign_in(page.context, b, live_server)
    page.goto("/worker/")  # B's first page drops A's cached pages from the phone
    page.locator("html[data-offline-ready=true]").wait_for()
    names = page.evaluate("async () => (await caches.keys()).filter((name) => name.startsWith('gridmgmt-user-'))")
    assert names == ["gridmgmt-user-worker_b"]
    page.context.set_offline(True)
    page.reload()
    assert page.locator("body").get_attribute("data-user") == "worker_b"


def test_a_page_never_opened_offline_while_signed_in_says_so_not_that_no_one_is_signed_in(live_district, page_as):
    page = page_as(live_district.users["worker"], service_workers="allow")
    page.goto("/worker/")
    page.locator("html[data-offline-ready=true]").wait_for()
    page.context.set_offline(True)
    page.goto("/worker/reports/999999/")  # never opened on this device
    page.get_by_test_id("offline-signed-in").wait_for()
    assert page.get_by_test_id("offline-signed-out").count() == 0
    assert page.locator("body").get_attribute("data-user") == ""  # the stored page is nobody's
    page.locator("a[href='/worker/']").click()  # its way back: my grid, from this worker's cache
    page.get_by_test_id("worker-map").wait_for()
    assert page.locator("body").get_attribute("data-user") == "worker"
    page.goto("/worker/offline/")  # the offline page opened itself, offline, with the session alive
    page.get_by_test_id("offline-signed-in").wait_for()
    page.context.set_offline(False)
    page.goto("/worker/offline/")  # and online: the server knows who is signed in
    page.get_by_test_id("offline-signed-in").wait_for()


def test_the_offline_page_opened_directly_says_who_is_signed_in_and_shows_no_ones_data(client, live_district):
    signed_out = client.get("/worker/offline/").content.decode()
    assert 'data-testid="offline-signed-out"' in signed_out and "offline-signed-in" not in signed_out
    stored = client.get("/worker/offline/signed-in/").content.decode()  # what sw.js stores, fetched anonymously
    assert 'data-testid="offline-signed-in"' in stored and 'data-user=""' in stored
    client.force_login(live_district.users["worker"])
    opened = client.get("/worker/offline/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="offline-signed-in"' in opened and "No one is signed in" not in opened
    assert 'data-user=""' in opened
