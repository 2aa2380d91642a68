"""Map layers answered conditionally: an unchanged refresh is a 304 without a body; a change is sent again, gzipped."""

import gzip
import json

import pytest

from gridmgmt.cases.models import Case

pytestmark = pytest.mark.django_db
LAYER = "/api/maps/open-cases-by-grid/"


def test_unchanged_layer_answers_304_with_no_body_and_a_new_case_changes_the_etag(make_event, case_of, client_as):
    case_of(make_event("A"))
    client = client_as("dispatcher")
    first = client.get(LAYER)
    etag = first["ETag"]
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    again = client.get(LAYER, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    make_event("A")  # one more open case in grid A: the layer changed
    changed = client.get(LAYER, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_layer_is_gzipped_for_clients_that_accept_it_and_reads_the_same(make_event, case_of, client_as):
    case_of(make_event("A"))
    client = client_as("dispatcher")
    plain = client.get(LAYER).json()
    zipped = client.get(LAYER, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.content)) == plain
    # The etag of the gzipped answer (weak) still matches the next unchanged request.
    assert client.get(LAYER, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


def test_a_closed_case_changes_the_layer_too(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    client = client_as("dispatcher")
    etag = client.get(LAYER)["ETag"]
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert client.get(LAYER, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_anonymous_reader_gets_no_etag_and_no_304(client):
    response = client.get(LAYER, HTTP_IF_NONE_MATCH='"x"')
    assert response.status_code in (401, 403) and not response.has_header("ETag")


def test_hexagon_layer_rendered_by_drf_is_conditional_too(make_event, client_as):
    make_event("A")
    client = client_as("dispatcher")
    url = "/api/maps/report-hexbins/?zoom=13"
    first = client.get(url)
    assert first.status_code == 200 and first.json()["features"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
