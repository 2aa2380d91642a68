"""Integration keys: read only what they submitted, report only inside their area (S2, issue 11 point 2)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from gridmgmt.events.api_keys import api_key_create
from gridmgmt.events.models import Event
from tests.events.conftest import INSIDE_C1, INSIDE_C2


def key_client(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=raw)
    return api


def report(api, where=INSIDE_C1):
    return api.post("/api/events/", {"service_code": "1102", "lat": where[0], "lng": where[1]}, format="json")


def test_a_key_lists_and_reads_only_the_reports_it_submitted(areas, catalogue):
    _, mine = api_key_create(name="hotline", channel="hotline")
    _, theirs = api_key_create(name="app", channel="public_app")
    own = {report(key_client(mine)).json()["id"] for _ in range(2)}
    other = report(key_client(theirs)).json()["id"]
    listed = key_client(mine).get("/api/events/?limit=5000").json()
    assert {feature["id"] for feature in listed["features"]} == own
    assert key_client(mine).get(f"/api/events/{other}/").status_code == 404
    assert key_client(theirs).get(f"/api/events/{other}/").status_code == 200


def test_a_key_with_an_area_reports_inside_it_and_gets_400_outside(areas, catalogue):
    _, raw = api_key_create(name="street app", channel="public_app", area_codes=[areas.c1.code])
    assert report(key_client(raw), INSIDE_C1).status_code == 201
    outside = report(key_client(raw), INSIDE_C2)
    assert outside.status_code == 400 and "在此 API 密钥的范围" in str(outside.json())
    assert Event.objects.count() == 1


def test_a_street_code_covers_all_its_communities(areas, catalogue):
    _, raw = api_key_create(name="street", channel="hotline", area_codes=[areas.street.code])
    assert report(key_client(raw), INSIDE_C2).status_code == 201


def test_open311_post_is_held_to_the_key_area_too(areas, catalogue):
    from django.test import Client

    _, raw = api_key_create(name="o311", channel="public_app", area_codes=[areas.c1.code])
    answer = Client().post("/open311/v2/requests.json", {"api_key": raw, "service_code": "1102",
                                                          "lat": INSIDE_C2[0], "long": INSIDE_C2[1]})
    assert answer.status_code == 400 and "在此 API 密钥的范围" in answer.content.decode()
    assert not Event.objects.exists()


def test_unknown_area_code_is_refused_by_service_and_command(areas, catalogue):
    with pytest.raises(ValidationError, match="440104999"):
        api_key_create(name="x", channel="hotline", area_codes=["440104999"])
    with pytest.raises(CommandError, match="440104999"):
        call_command("create_api_key", "hotline", "--area", "440104999")


def _report_at_s1_point(areas, catalogue, **extra) -> Event:
    from django.contrib.gis.geos import Point

    return Event.objects.create(
        small_class=catalogue.rubbish, location=Point(113.249070, 23.114029, srid=4326), grid=areas.grid,
        community=areas.c1, street=areas.street, grid_code=areas.grid.code, community_code=areas.c1.code,
        street_code=areas.street.code, department=catalogue.depts["HW"], routing_status="routed",
        channel="worker_app", description="门口垃圾 13800138000", **extra)


S1 = "/api/events/duplicates?lat=23.114029&lng=113.249070&service_code=1102"


def test_s1_duplicates_as_a_signed_in_user_without_role_is_empty(areas, catalogue):
    from django.contrib.auth import get_user_model

    from gridmgmt.accounts.models import Role, RoleAssignment

    _report_at_s1_point(areas, catalogue)
    nobody = APIClient()
    nobody.force_authenticate(get_user_model().objects.create_user("nobody", password="x"))
    answer = nobody.get(S1)
    assert answer.status_code == 200 and answer.json()["features"] == []
    worker = get_user_model().objects.create_user("worker", password="x")
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, grid_code=areas.grid.code)
    nobody.force_authenticate(worker)
    assert len(nobody.get(S1).json()["features"]) == 1  # the same request in the caller's grid finds it


def test_s2_any_api_key_listing_5000_reads_only_its_own(areas, catalogue):
    _report_at_s1_point(areas, catalogue)
    _, raw = api_key_create(name="integration", channel="api")
    answer = key_client(raw).get("/api/events/?limit=5000")
    assert answer.status_code == 200 and answer.json()["features"] == []
