"""Open311 GeoReport v2: shapes compared with the spec's examples, errors in the spec's format."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.test import Client

from gridmgmt.events.models import Event

# The spec's examples, copied into the tests (provenance: tests/data/open311/README.md).
SPEC = Path(__file__).resolve().parents[1] / "data" / "open311" / "georeport_v2_spec_examples"


@pytest.fixture
def key(db, capsys):
    call_command("create_api_key", "hotline")
    return capsys.readouterr().out.strip().splitlines()[-1]


def post(fmt, key, **params):
    data = {"api_key": key, "service_code": "1102", "lat": "23.125", "long": "113.265", **params}
    return Client().post(f"/open311/v2/requests.{fmt}", data)


def element_children(xml_bytes, path):
    return [child.tag for child in ET.fromstring(xml_bytes).find(path)]


def test_services_xml_has_spec_elements(areas, catalogue):
    response = Client().get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    spec = (SPEC / "xml-service-list.xml").read_bytes()
    assert sorted(element_children(response.content, "service")) == sorted(element_children(spec, "service"))
    codes = [s.findtext("service_code") for s in ET.fromstring(response.content)]
    assert codes == ["0101", "1102", "1503", "1601"]


def test_services_json_is_strict_json_with_string_codes(areas, catalogue):
    services = json.loads(Client().get("/open311/v2/services.json").content)
    rubbish = next(s for s in services if s["service_code"] == "1102")
    assert rubbish["metadata"] is False and rubbish["group"] == "市容环境" and rubbish["type"] == "realtime"


def test_service_definition_matches_spec_shape(areas, catalogue):
    response = Client().get("/open311/v2/services/1503.xml")
    spec = (SPEC / "xml-service-definition.xml").read_bytes()
    assert element_children(response.content, "attributes/attribute") == element_children(spec, "attributes/attribute")
    definition = json.loads(Client().get("/open311/v2/services/1503.json").content)
    assert definition["attributes"][0]["code"] == "depth_cm" and definition["attributes"][0]["required"] is True
    assert definition["attributes"][1]["values"] == [{"key": "yes", "name": "yes"}, {"key": "no", "name": "no"}]


def test_unknown_service_is_404_in_error_format(areas, catalogue):
    response = Client().get("/open311/v2/services/9999.xml")
    root = ET.fromstring(response.content)
    assert response.status_code == 404 and root.tag == "errors"
    assert root.findtext("error/code") == "404" and "9999" in root.findtext("error/description")


def test_post_then_get_with_grid_code_and_status_mapping(areas, catalogue, key):
    created = post("json", key, description="垃圾")
    assert created.status_code == 201, created.content
    [answer] = json.loads(created.content)
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    request_id = answer["service_request_id"]
    xml = Client().get(f"/open311/v2/requests/{request_id}.xml")
    spec = (SPEC / "xml-service-request.xml").read_bytes()
    tags = element_children(xml.content, "request")
    assert tags[: len(element_children(spec, "request"))] == element_children(spec, "request")
    request = ET.fromstring(xml.content).find("request")
    assert request.findtext("status") == "open" and request.findtext("grid_code") == "44010400100101"
    assert request.findtext("service_code") == "1102"
    Event.objects.filter(pk=request_id).update(status="closed")
    [closed] = json.loads(Client().get(f"/open311/v2/requests/{request_id}.json").content)
    assert (closed["status"], closed["status_notes"]) == ("closed", "closed")


def test_attribute_values_from_form(areas, catalogue, key):
    response = post("json", key, service_code="1503", **{"attribute[depth_cm]": "35"})
    assert response.status_code == 201, response.content
    assert Event.objects.get().attributes == {"depth_cm": 35.0}


def test_token_lookup(areas, catalogue, key):
    [answer] = json.loads(post("json", key).content)
    response = Client().get(f"/open311/v2/tokens/{answer['token']}.xml")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(answer["service_request_id"])


def test_list_filters(areas, catalogue, key):
    first = json.loads(post("json", key).content)[0]["service_request_id"]
    post("json", key, service_code="1601")
    codes = lambda q: sorted(r["service_code"] for r in json.loads(Client().get(f"/open311/v2/requests.json?{q}").content))  # noqa: E731
    assert codes("") == ["1102", "1601"]
    assert codes("service_code=1601") == ["1601"]
    assert codes(f"service_request_id={first}") == ["1102"]
    assert codes("status=closed") == []
    assert codes("end_date=2000-01-01T00:00:00Z") == []


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_and_wrong_api_key_are_403(areas, catalogue, fmt):
    response = post(fmt, "")
    assert response.status_code == 403
    wrong = post(fmt, "wrong-key")
    assert wrong.status_code == 403 and Event.objects.count() == 0
    if fmt == "json":
        assert "api_key invalid" in json.loads(wrong.content)[0]["description"]


def test_revoked_key_is_refused(areas, catalogue, key):
    from gridmgmt.events.api_keys import api_key_check, api_key_revoke

    api_key_revoke(key=api_key_check(key))
    assert post("json", key).status_code == 403


@pytest.mark.parametrize("params, needle", [
    ({"lat": ""}, "lat"), ({"long": "east"}, "long"), ({"lat": "42.3594", "long": "-71.0587"}, "在本区范围之外"),
    ({"service_code": "9999"}, "9999"), ({"service_code": "1503", "attribute[depth_cm]": "deep"}, "depth_cm"),
])
def test_bad_post_is_400_naming_the_problem_in_error_format(areas, catalogue, key, params, needle):
    response = post("xml", key, **params)
    root = ET.fromstring(response.content)
    assert response.status_code == 400 and root.tag == "errors"
    assert needle in root.findtext("error/description")
    assert Event.objects.count() == 0


def test_malformed_json_and_xml_bodies(areas, catalogue, key):
    bad_json = Client().post("/open311/v2/requests.json", data='{"api_key":', content_type="application/json")
    assert bad_json.status_code == 400 and "malformed JSON" in json.loads(bad_json.content)[0]["description"]
    bad_xml = Client().post("/open311/v2/requests.xml", data="<request><lat>1</request>", content_type="text/xml")
    assert bad_xml.status_code == 400 and "malformed XML" in ET.fromstring(bad_xml.content).findtext("error/description")
    good_xml = Client().post("/open311/v2/requests.xml", content_type="text/xml",
                             data=f"<request><api_key>{key}</api_key><service_code>1102</service_code>"
                                  "<lat>23.125</lat><long>113.265</long></request>")
    assert good_xml.status_code == 201, good_xml.content


def test_discovery(db):
    body = json.loads(Client().get("/open311/v2/discovery.json").content)
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = ET.fromstring(Client().get("/open311/v2/discovery.xml").content)
    assert root.findtext("endpoints/endpoint/formats/format") == "text/xml"
