"""Free text limits and the intake's refusals in the reader's language (zh-hans default, English source)."""


import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from gridmgmt.api_params import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX
from gridmgmt.cases.models import Case, CaseHistory
from gridmgmt.events.models import Event
from gridmgmt.hotline.models import HotlineCall
from gridmgmt.hotline.services import hotline_call_take
from tests.cases.conftest import photo

INSIDE = {"service_code": "1101", "lat": 23.125, "lng": 113.265}


def chinese(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user)
    return client


def test_a_description_over_the_limit_is_refused_naming_it_and_nothing_is_stored(users):
    client = chinese(users["workerA"])
    response = client.post("/api/events/", {**INSIDE, "description": "长" * (DESCRIPTION_MAX + 1)}, format="json")
    assert response.status_code == 400 and Event.objects.count() == 0
    assert list(response.json()) == ["description"]
    assert f"最多允许 {DESCRIPTION_MAX} 个" in str(response.json())
    at_limit = client.post("/api/events/", {**INSIDE, "description": "长" * DESCRIPTION_MAX}, format="json")
    assert at_limit.status_code == 201


def test_an_address_over_the_limit_is_refused(users):
    response = chinese(users["workerA"]).post("/api/events/", {**INSIDE, "address": "路" * 256}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["address"] and Event.objects.count() == 0


def test_a_step_note_over_the_limit_changes_nothing(make_event, case_of, users):
    case = case_of(make_event())
    steps = CaseHistory.objects.filter(case=case).count()
    response = chinese(users["call_taker"]).post(
        f"/api/cases/{case.pk}/open/", {"version": case.version, "note": "注" * (NOTE_MAX + 1)}, format="json")
    assert response.status_code == 400 and f"案件 {case.pk}" in response.json()["detail"]
    assert f"最多允许 {NOTE_MAX} 个" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).version == case.version
    assert CaseHistory.objects.filter(case=case).count() == steps


def test_nul_in_a_json_description_is_named_as_a_nul_character(users):
    response = chinese(users["workerA"]).post("/api/events/", {**INSIDE, "description": "a\x00b"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["description"]
    assert "NUL 字符" in str(response.json()) and "空字符串" not in str(response.json())


def test_unknown_service_code_and_a_point_outside_the_district_in_chinese(users):
    client = chinese(users["workerA"])
    unknown = client.post("/api/events/", {**INSIDE, "service_code": "9999"}, format="json")
    assert unknown.status_code == 400 and "没有编码为“9999”的问题类型" in str(unknown.json())
    outside = client.post("/api/events/", {**INSIDE, "lat": 23.5}, format="json")
    assert outside.status_code == 400 and "在本区范围之外" in str(outside.json()) and "23.500000" in str(outside.json())
    assert Event.objects.count() == 0


def test_photo_refusals_name_the_photo_and_why_in_the_readers_language(users, settings):
    settings.EVENTS_PHOTO_MAX_BYTES = 1024 * 1024
    client = chinese(users["workerA"])
    big = SimpleUploadedFile("big.jpg", b"\xff" * (3 * 1024 * 1024 + 1), content_type="image/jpeg")
    response = client.post("/api/events/", {**INSIDE, "photos": [big]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["photos"][0] == "照片“big.jpg”大小为 3.0\xa0MB；每张照片最大 1.0\xa0MB。"
    text = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")
    response = client.post("/api/events/", {**INSIDE, "photos": [photo(), text]}, format="multipart")
    assert response.status_code == 400 and "文件“notes.jpg”不是可读取的照片" in str(response.json())
    assert "Upload a valid image" not in str(response.json()) and Event.objects.count() == 0


def take(world, users, **changes):
    values = {"line": "12345", "caller_phone": "138 0013 8000", "caller_name": "王女士", "small_class_code": "1101",
              "point": Point(113.265, 23.125, srid=4326), "description": "垃圾", "taken_by": users["call_taker"]}
    return hotline_call_take(**{**values, **changes})


def test_a_short_phone_number_says_how_many_digits_are_expected(world, users):
    with pytest.raises(ValidationError) as refused:
        take(world, users, caller_phone="138")
    message = refused.value.message_dict["caller_phone"][0]
    assert "“138”有 3 位数字" in message and "11 位" in message
    assert not HotlineCall.objects.exists() and not Event.objects.exists()


def test_a_callers_name_over_the_limit_stores_nothing(world, users):
    with pytest.raises(ValidationError) as refused:
        take(world, users, caller_name="王" * (NAME_MAX + 1))
    assert list(refused.value.message_dict) == ["caller_name"]
    assert not HotlineCall.objects.exists() and not Event.objects.exists()
    assert take(world, users, caller_name="王" * NAME_MAX).hotline_call.caller_name == "王" * NAME_MAX


def test_english_readers_get_the_english_source(users):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(users["workerA"])
    response = client.post("/api/events/", {**INSIDE, "service_code": "9999"}, format="json")
    assert "There is no problem type with code '9999'" in str(response.json())




def test_nul_in_a_step_note_is_named_as_a_nul_character(make_event, case_of, users):
    case = case_of(make_event())
    response = chinese(users["call_taker"]).post(
        f"/api/cases/{case.pk}/open/", {"version": case.version, "note": "a\x00b"}, format="json")
    assert response.status_code == 400 and "NUL 字符" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_attribute_refusal_reads_in_chinese(users):
    response = chinese(users["workerA"]).post("/api/events/", {**INSIDE, "attributes": {"ref": {"a": 1}}},
                                              format="json")
    assert response.status_code == 400 and "属性“ref”（不属于该问题类型）必须是文字或数字" in str(response.json())
