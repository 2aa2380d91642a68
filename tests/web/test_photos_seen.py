"""Photos you can see: before/after side by side on the verification, department and console case pages,
opened in the viewer, served only through the permission-checked photo view."""

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from gridmgmt.cases import services
from gridmgmt.cases.models import Case
from gridmgmt.events.services import event_create
from gridmgmt.web.console_case import ACTION_LABELS
from tests.web.conftest import SCREENSHOTS, png_bytes


pytestmark = pytest.mark.browser


def photo(name, color):
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def handled_case_with_photos(district) -> Case:
    users = district.users
    event = event_create(small_class_code="1102", point=Point(113.2655, 23.1255, srid=4326), channel="hotline",
                         description="路边垃圾堆", photos=[photo("before1.png", "red"), photo("before2.png", "orange")]).event
    case = event.case_source.case
    services.case_open(case_id=case.pk, version=case.version, actor=users["call_taker"])
    services.case_dispatch(case_id=case.pk, version=2, actor=users["dispatcher"])
    services.case_accept(case_id=case.pk, version=3, actor=users["handler"])
    services.case_handle(case_id=case.pk, version=4, actor=users["handler"], feedback="已清运",
                         photos=[photo("after.png", "green")])
    return case


def loaded(page, selector) -> bool:
    """True when the image really arrived (served, decoded), not only its element."""
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_verification_page_shows_before_and_after_and_the_viewer_steps_through_them(live_district, page_as,
                                                                                    screenshot):
    case = handled_case_with_photos(live_district)
    page = page_as(live_district.users["worker"])
    page.goto(f"/worker/tasks/{case.pk}/")
    before = page.get_by_test_id("photos-before").locator("img")
    after = page.get_by_test_id("photos-after").locator("img")
    assert (before.count(), after.count()) == (2, 1)
    page.wait_for_function("[...document.querySelectorAll('.photos img')].every((i) => i.complete && i.naturalWidth)")
    box_before = page.get_by_test_id("photos-before").bounding_box()
    box_after = page.get_by_test_id("photos-after").bounding_box()
    assert box_before["x"] < box_after["x"] and abs(box_before["y"] - box_after["y"]) < 40  # side by side on a phone
    screenshot(page, "worker-verify-before-after")

    before.first.click()
    viewer = page.get_by_test_id("photo-viewer")
    viewer.wait_for()
    assert loaded(page, "[data-testid=photo-viewer] img")
    assert "1/2" in viewer.inner_text()
    page.get_by_test_id("photo-next").click()
    assert "2/2" in viewer.inner_text()
    page.keyboard.press("ArrowRight")  # wraps round to the first
    assert "1/2" in viewer.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "worker-photo-viewer-phone.png"))
    page.keyboard.press("Escape")
    viewer.wait_for(state="hidden")
    after.first.click()
    assert "1/1" in viewer.inner_text() and page.get_by_test_id("photo-next").is_hidden()
    assert page.context.blocked == []


def noisy_png(width, height) -> bytes:
    """A photo that compresses badly (random pixels): several MB as PNG, like a phone camera's file."""
    import io
    import os

    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def test_big_photo_is_shrunk_on_the_phone_to_at_most_1_mb_and_the_upload_shows_progress(live_district, page_as):
    from gridmgmt.events.models import Event

    big = noisy_png(2400, 1800)
    assert len(big) > 5_000_000
    page = page_as(live_district.users["worker"])
    page.goto("/worker/report/")
    page.get_by_test_id("class-1102").click()
    page.get_by_test_id("location-text").filter(has_text="23.125").wait_for()
    page.evaluate("""async () => {
        window.progress = [];
        const queue = await import('/static/js/offline_queue.js');
        queue.changes.addEventListener('progress', (e) => window.progress.push(e.detail));
        new MutationObserver(() => { if (document.querySelector('[data-testid=upload-progress]')) window.barSeen = true; })
            .observe(document.getElementById('receipts'), { childList: true, subtree: true });
    }""")
    page.get_by_test_id("photo-input").set_input_files({"name": "camera.png", "mimeType": "image/png", "buffer": big})
    page.get_by_test_id("send-report").click()
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    stored = Event.objects.get().photos.get().image
    assert max(stored.width, stored.height) == 2048  # the server re-encodes (metadata stripped): its bytes are its own
    progress = page.evaluate("window.progress")
    # What went over the network: the shrunk photo (≤ 1 MB) plus the form's few hundred bytes, not 13 MB.
    assert progress and progress[-1]["loaded"] == progress[-1]["total"] <= 1_005_000
    assert page.evaluate("window.barSeen === true")


def test_small_jpeg_is_sent_unchanged(live_district, page_as):
    import io

    from PIL import Image

    from gridmgmt.events.models import Event

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buffer, "JPEG", quality=90)
    page = page_as(live_district.users["worker"])
    page.goto("/worker/report/")
    page.get_by_test_id("class-1102").click()
    page.get_by_test_id("location-text").filter(has_text="23.125").wait_for()
    page.get_by_test_id("photo-input").set_input_files(
        {"name": "small.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()})
    page.get_by_test_id("send-report").click()
    page.locator("#receipts [data-testid=receipt][data-status=sent]").wait_for()
    assert (Event.objects.get().photos.get().image.width) == 640


def closed_case_with_photos(district) -> Case:
    """Two report photos before; after: the department's feedback photo and the worker's on-site photo."""
    case = handled_case_with_photos(district)
    services.case_verify(case_id=case.pk, version=5, actor=district.users["worker"], passed=True,
                         location=Point(113.2655, 23.1255, srid=4326), photos=[photo("check.png", "blue")])
    return Case.objects.get(pk=case.pk)


def all_photos_loaded(page) -> None:
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=before-after] img')].every((i) => i.complete && i.naturalWidth)")


def assert_before_after_side_by_side(page) -> list[str]:
    """Two report photos left, two after photos right on one row; returns the photo URLs the page shows."""
    before = page.get_by_test_id("photos-before")
    after = page.get_by_test_id("photos-after")
    assert (before.locator("img").count(), after.locator("img").count()) == (2, 2)
    box_before, box_after = before.bounding_box(), after.bounding_box()
    assert box_before["x"] + box_before["width"] <= box_after["x"] and abs(box_before["y"] - box_after["y"]) < 40
    alts = after.locator("img").evaluate_all("(images) => images.map((i) => i.alt)")
    with translation.override("zh-hans"):  # the pages' language (the browser asks for zh-CN)
        steps = [str(ACTION_LABELS["handle"]), str(ACTION_LABELS["verify_pass"])]
    assert [alt.split(" · ")[0] for alt in alts] == steps  # each after photo named by the step that took it, in order
    return page.locator("[data-testid=before-after] img").evaluate_all("(images) => images.map((i) => i.src)")


@pytest.mark.parametrize("role, path", [("handler", "/department/cases/{}/"), ("dispatcher", "/console/cases/{}/")])
def test_case_pages_show_before_and_after_side_by_side_and_strangers_get_404_for_the_photos(
        live_district, page_as, role, path):
    from gridmgmt.accounts.models import Role
    from tests import factories
    from tests.web.conftest import DESKTOP, PHONE, make_user

    case = closed_case_with_photos(live_district)
    name = path.split("/")[1]
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = page_as(live_district.users[role], viewport=viewport)
        page.goto(path.format(case.pk))
        all_photos_loaded(page)
        urls = assert_before_after_side_by_side(page)
        if role == "handler":  # the map beside the photos frames the case's grid whole
            page.wait_for_function("""() => {
                const map = document.getElementById('case-map').getBoundingClientRect();
                const grid = document.querySelector('#case-map path.layer-grids').getBoundingClientRect();
                return grid.left >= map.left && grid.right <= map.right && grid.top >= map.top
                    && grid.bottom <= map.bottom;
            }""")
        page.get_by_test_id("before-after").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{name}-case-before-after-{label}.png"), full_page=True)
    assert all("/media/" in url for url in urls) and page.context.blocked == []

    page.get_by_test_id("photos-after").locator("a").nth(1).click()  # the viewer steps through the after photos
    viewer = page.get_by_test_id("photo-viewer")
    viewer.wait_for()
    assert loaded(page, "[data-testid=photo-viewer] img") and "2/2" in viewer.inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"{name}-photo-viewer-desktop.png"))

    # Strangers: a worker of the other grid, a handler of another department; the same URLs are 404.
    other_department = factories.department("SZ", "市政所", name_en="Municipal works")
    strangers = [live_district.users["worker2"],
                 make_user("handler_sz", Role.DEPARTMENT_HANDLER, department=other_department)]
    for stranger in strangers:
        request = page_as(stranger).request
        assert [request.get(url).status for url in urls] == [404] * 4, stranger.username
    assert [page.request.get(url).status for url in urls] == [200] * 4  # the reader of the page still reads them
