"""Open cases per grid as vector tiles: content, zoom rule, scope, conditional answers, bad tile numbers."""

import gzip

import pytest

from gridmgmt.cases.models import Case
from gridmgmt.grids.models import Grid
from tests import factories
from tests.maps.mvt import read_tile

pytestmark = pytest.mark.django_db
# The test district (grids A: lng 113.26–113.27, B: 113.27–113.28, lat 23.12–23.13) lies in these tiles.
BOTH_Z14 = "z=14&x=13347&y=7109"  # zoomed in: every grid
BOTH_Z12 = "z=12&x=3336&y=1777"  # city scale: grids with open cases only
URL = "/api/maps/open-cases-tiles/?"


def features(response) -> dict[str, dict]:
    layer = read_tile(response.content)["grids"]
    assert layer["extent"] == 1024
    return {f["properties"]["code"]: {**f["properties"], "id": f["id"], "type": f["type"]} for f in layer["features"]}


def test_a_zoomed_in_tile_holds_every_grid_with_its_open_cases(make_event, case_of, client_as, world):
    case_of(make_event("A"))
    case_of(make_event("A"))
    response = client_as("dispatcher").get(URL + BOTH_Z14)
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    grids = features(response)
    a, b = world["A"]["grid"], world["B"]["grid"]
    assert grids == {a.code: {"code": a.code, "open_cases": 2, "id": a.pk, "type": 3},
                     b.code: {"code": b.code, "open_cases": 0, "id": b.pk, "type": 3}}  # type 3: polygon


def test_a_city_scale_tile_holds_only_grids_with_open_cases(make_event, case_of, client_as, world):
    case = case_of(make_event("B"))
    assert list(features(client_as("dispatcher").get(URL + BOTH_Z12))) == [world["B"]["grid"].code]
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert client_as("dispatcher").get(URL + BOTH_Z12).content == b""  # nothing open: an empty tile


def test_tiles_follow_the_readers_area_and_refuse_department_staff(make_event, client_as, world):
    make_event("A")
    make_event("B")
    assert list(features(client_as("street_supA").get(URL + BOTH_Z14))) == [world["A"]["grid"].code]
    assert list(features(client_as("community_supB").get(URL + BOTH_Z12))) == [world["B"]["grid"].code]
    assert client_as("handler1").get(URL + BOTH_Z14).status_code == 403


def test_anonymous_readers_get_no_tile(client):
    assert client.get(URL + BOTH_Z14).status_code in (401, 403)


def test_an_unchanged_tile_is_a_304_and_a_new_case_or_grid_edit_sends_it_again(make_event, client_as, world):
    client = client_as("dispatcher")
    first = client.get(URL + BOTH_Z14)
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(URL + BOTH_Z14, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    make_event("B")
    changed = client.get(URL + BOTH_Z14, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and features(changed)[world["B"]["grid"].code]["open_cases"] == 1
    # A grid edit makes new rows (here: grid B replaced by a smaller copy): the tile changes too.
    b = world["B"]["grid"]
    Grid.objects.filter(pk=b.pk).update(active=False)
    factories.grid(b.community, (113.27, 23.12, 113.275, 23.13), generation=factories.grid_generation())
    assert client.get(URL + BOTH_Z14, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_the_304_is_answered_before_the_tile_is_built(client_as, monkeypatch):
    client = client_as("dispatcher")
    etag = client.get(URL + BOTH_Z14)["ETag"]

    def build_refused(**kwargs):
        raise AssertionError("an unchanged tile was built again")

    monkeypatch.setattr("gridmgmt.maps.tiles.open_cases_tile", build_refused)
    assert client.get(URL + BOTH_Z14, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_tiles_are_gzipped_for_clients_that_accept_it_and_read_the_same(client_as, world):
    for n in range(2, 40):  # enough grids for a tile above the 200 bytes gzip starts at
        west = 113.2705 + 0.0002 * n
        factories.grid(world["B"]["community"], (west, 23.121, west + 0.0001, 23.122), sequence=n)
    client = client_as("dispatcher")
    zipped = client.get(URL + BOTH_Z14, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped.status_code == 200 and zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == client.get(URL + BOTH_Z14).content


@pytest.mark.parametrize(("query", "named"), [
    ("", "z"), ("z=23&x=0&y=0", "z"), ("z=2&x=4&y=0", "x"), ("z=2&x=0&y=-1", "y"), ("z=2&x=0&y=²", "y"),
    ("z=2&x=1", "y")])
def test_a_tile_that_does_not_exist_is_a_400_naming_the_number(client_as, query, named):
    response = client_as("dispatcher").get(URL + query)
    assert response.status_code == 400 and named in response.json()
