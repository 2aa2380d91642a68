"""Photos of every kind go through the one upload policy and come back only through the jurisdiction check (S4, S5)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridmgmt.cases.models import CaseAttachment
from gridmgmt.events.models import EventPhoto
from gridmgmt.events.photos import GPS_IFD
from tests.cases.conftest import photo
from tests.cases.test_jurisdiction import dispatched
from tests.events.test_photos import camera_jpeg


def gps_jpeg(name="DSC_0001.JPG"):
    return SimpleUploadedFile(name, camera_jpeg(), content_type="image/jpeg")


def handled(case, client_as, *, photos):
    dispatched(case, client_as)
    client_as("handler1").post(f"/api/cases/{case.pk}/accept/", {"version": 3}, format="json")
    return client_as("handler1").post(f"/api/cases/{case.pk}/handle/", {
        "version": 4, "feedback": "cleaned", "photos": photos}, format="multipart")


def assert_clean(stored_file, client_name: str):
    assert client_name not in stored_file.name
    with stored_file.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
    assert not image.getexif().get_ifd(GPS_IFD)


def test_department_feedback_photo_is_reencoded_without_gps_under_a_random_name(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    assert handled(case, client_as, photos=[gps_jpeg()]).status_code == 200
    [attachment] = CaseAttachment.objects.filter(history__case=case)
    assert_clean(attachment.file, "DSC_0001")


def test_verification_photo_goes_through_the_same_policy(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    handled(case, client_as, photos=[photo()])
    verified = client_as("workerA").post(f"/api/cases/{case.pk}/verify/", {
        "version": 5, "passed": True, "lat": 23.125, "lng": 113.265, "photos": [gps_jpeg("verify.jpg")]},
        format="multipart")
    assert verified.status_code == 200, verified.content
    attachment = CaseAttachment.objects.filter(history__case=case, history__action="verify_pass").get()
    assert_clean(attachment.file, "verify")


@pytest.mark.parametrize("fmt", ["GIF", "TIFF"])
def test_feedback_in_another_format_is_400_and_changes_nothing(make_event, case_of, client_as, fmt):
    case = case_of(make_event("A"))
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, fmt)
    answer = handled(case, client_as, photos=[SimpleUploadedFile(f"x.{fmt.lower()}", buffer.getvalue())])
    assert answer.status_code == 400 and fmt in str(answer.content)
    case.refresh_from_db()
    assert case.status == "accepted" and not CaseAttachment.objects.exists()


def test_department_page_feedback_uses_the_policy_too(make_event, case_of, client_as, users):
    case = case_of(make_event("A"))
    dispatched(case, client_as)
    client_as("handler1").post(f"/api/cases/{case.pk}/accept/", {"version": 3}, format="json")
    browser = Client()
    browser.force_login(users["handler1"])
    browser.post(f"/department/cases/{case.pk}/handle/", {"version": 4, "feedback": "cleaned",
                                                            "photos": [gps_jpeg("page.jpg")]})
    [attachment] = CaseAttachment.objects.filter(history__case=case)
    assert_clean(attachment.file, "page")


def test_a_refused_photo_is_named_by_the_policy_in_the_api_and_on_the_page(make_event, case_of, client_as, users):
    """Only the one photo policy judges: DRF's and Django's image fields once spoke first, with their generic
    "Upload a valid image" that names neither the file nor what is accepted."""
    case = case_of(make_event("A"))
    not_a_photo = SimpleUploadedFile("receipt.jpg", b"%PDF-1.7 not a picture", content_type="image/jpeg")
    answer = handled(case, client_as, photos=[not_a_photo])
    assert answer.status_code == 400
    assert "receipt.jpg" in str(answer.json()) and "JPEG, PNG or WebP" in str(answer.json())
    assert "valid image" not in str(answer.json())
    browser = Client()
    browser.force_login(users["handler1"])
    gif = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(gif, "GIF")
    page = browser.post(f"/department/cases/{case.pk}/handle/", {
        "version": 4, "feedback": "cleaned", "photos": [SimpleUploadedFile("board.gif", gif.getvalue())]},
        follow=True, HTTP_ACCEPT_LANGUAGE="en")
    shown = " ".join(str(m) for m in page.context["messages"])
    assert "board.gif" in shown and "GIF" in shown and "valid image" not in shown
    case.refresh_from_db()
    assert case.status == "accepted" and not CaseAttachment.objects.exists()


def test_photo_urls_are_served_only_within_jurisdiction(make_event, case_of, client_as, users, settings):
    settings.PHOTO_ACCEL_REDIRECT = ""
    event = make_event("A")
    case = case_of(event)
    from gridmgmt.events.photos import photo_clean

    record = EventPhoto(event=event, content_type="image/jpeg", size_bytes=1)
    record.image.save(photo_clean(gps_jpeg()).content.name, photo_clean(gps_jpeg()).content)
    handled(case, client_as, photos=[photo()])
    feedback = CaseAttachment.objects.get(history__case=case)
    for url in (record.image.url, feedback.file.url):
        assert url.startswith("/media/")
        readers = {name: Client() for name in ("workerA", "workerB", "handler1", "handler2", "street_supA", "gis")}
        for name, client in readers.items():
            client.force_login(users[name])
        codes = {name: client.get(url).status_code for name, client in readers.items()}
        assert codes == {"workerA": 200, "workerB": 404, "handler1": 200, "handler2": 404, "street_supA": 200,
                         "gis": 404}
        assert Client().get(url).status_code == 404  # anonymous
    served = readers["workerA"].get(record.image.url)
    assert served["Content-Type"] == "image/jpeg" and b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in served["Cache-Control"]


def test_unknown_photo_name_is_404_even_for_the_district(users):
    client = Client()
    client.force_login(users["dispatcher"])
    assert client.get("/media/events/2026/11/nothing.jpg").status_code == 404
    assert client.get("/media/../gridmgmt/settings.py").status_code == 404


def test_x_accel_redirect_when_configured(make_event, users, settings):
    settings.PHOTO_ACCEL_REDIRECT = "/protected-media/"
    event = make_event("A")
    record = EventPhoto(event=event, content_type="image/png", size_bytes=1)
    record.image.save("x.png", photo())
    client = Client()
    client.force_login(users["workerA"])
    answer = client.get(record.image.url)
    assert answer.status_code == 200 and answer.content == b""
    assert answer["X-Accel-Redirect"] == "/protected-media/" + record.image.name
    assert answer["Content-Type"] == "image/png"


@pytest.mark.parametrize("lat", ["٢٣.١٢٥", "２３.１２５", "2_3.125"])
def test_a_verification_place_not_in_ascii_numbers_is_400_and_changes_nothing(make_event, case_of, client_as, lat):
    # DRF's FloatField (float()) takes such text; the view reads the fix by api_params.point_param, which
    # refuses it. Coverage, not a fault found: this passed before it was written.
    case = case_of(make_event("A"))
    handled(case, client_as, photos=[photo()])
    answer = client_as("workerA").post(f"/api/cases/{case.pk}/verify/", {
        "version": 5, "passed": True, "lat": lat, "lng": "113.265", "photos": [photo()]}, format="multipart")
    assert answer.status_code == 400 and "lat" in answer.json()
    case.refresh_from_db()
    assert case.status == "handled"
