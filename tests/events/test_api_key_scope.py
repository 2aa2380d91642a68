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
    assert outside.status_code == 400 and "outside the area of this API key" in str(outside.json())
    assert Event.objects.count() == 1


def test_a_street_code_covers_all_its_communities(areas, catalogue):
    _, raw = api_key_create(name="street", channel="hotline", area_codes=[areas.street.code])
    assert report(key_client(raw), INSIDE_C2).status_code == 201


def test_open311_post_is_held_to_the_key_area_too(areas, catalogue):
    from django.test import Client

    _, raw = api_key_create(name="o311", channel="public_app", area_codes=[areas.c1.code])
    answer = Client().post("/open311/v2/requests.json", {"api_key": raw, "service_code": "1102",
                                                          "lat": INSIDE_C2[0], "long": INSIDE_C2[1]})
    assert answer.status_code == 400 and "outside the area" in answer.content.decode()
    assert not Event.objects.exists()


def test_unknown_area_code_is_refused_by_service_and_command(areas, catalogue):
    with pytest.raises(ValidationError, match="440104999"):
        api_key_create(name="x", channel="hotline", area_codes=["440104999"])
    with pytest.raises(CommandError, match="440104999"):
        call_command("create_api_key", "hotline", "--area", "440104999")
