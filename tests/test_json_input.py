"""The one request-JSON rule (gridmgmt.json_input) at every front door that reads JSON.

Found by posting hostile bodies to every POST route of the URL conf as each role: a body of
5,000 nested arrays raised RecursionError (no ValueError, so neither DRF's parser nor the
views' ``except ValueError`` caught it) and answered 500 on the API (reports, every case step,
bulk dispatch), Open311 POST and the GIS editor's JSON API; a multipart body posted to the GIS
editor's JSON API answered 500 too (RawPostDataException: the body was already read as a form).
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.events.models import Event
from gridmgmt.json_input import MAX_DEPTH, JSONInputError, json_loads
from tests.events.conftest import areas, catalogue, media_root  # noqa: F401  (shared tiny areas)

DEEP = "[" * 5000 + "]" * 5000  # past Python's recursion limit (1000 frames)
JUST_PAST = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)  # parses in Python, refused by the rule


def user_client(role, name, *, api=True):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
    RoleAssignment.objects.create(user=user, role=role)
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("text", [DEEP, JUST_PAST, '{"a": ' * 900 + "1" + "}" * 900])
def test_json_nested_too_deep_is_refused_naming_the_depth(text):
    with pytest.raises(JSONInputError, match=f"nested deeper than {MAX_DEPTH}"):
        json_loads(text)


@pytest.mark.parametrize("text", ['{"lat": NaN}', "[Infinity]", "-Infinity"])
def test_json_nan_and_infinity_are_refused(text):
    with pytest.raises(JSONInputError, match="is not a JSON number"):
        json_loads(text)


@pytest.mark.parametrize("text", ['{"lat": 1e400}', "[-1.5e309]", "1E999"])
def test_json_numbers_beyond_a_float_are_refused(text):
    # Before: read as inf, which the module promises never to let through.
    with pytest.raises(JSONInputError, match="is beyond the range of a float"):
        json_loads(text)


def test_json_as_deep_as_allowed_and_a_multipolygon_are_read():
    assert json_loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    polygon = {"type": "MultiPolygon", "coordinates": [[[[113.26, 23.12], [113.27, 23.12], [113.27, 23.13],
                                                         [113.26, 23.12]]]]}
    assert json_loads(json.dumps({"geometry": polygon}).encode()) == {"geometry": polygon}


@pytest.mark.parametrize("body", [DEEP, JUST_PAST, '{"service_code": "1102", "lat": NaN, "lng": 113.265}',
                                  '{"service_code": "1102", "lat": 1e400, "lng": 113.265}'])
def test_api_report_with_a_hostile_json_body_is_400_and_stores_nothing(areas, catalogue, body):
    client = user_client(Role.DISTRICT_LEADER, "leader")
    response = client.post("/api/events/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "JSON parse error" in response.json()["detail"]
    assert not Event.objects.exists()


def test_api_report_with_attributes_text_nested_thousands_deep_is_400_naming_attributes(areas, catalogue, media_root):
    client = user_client(Role.DISTRICT_LEADER, "leader")
    response = client.post("/api/events/", {"service_code": "1102", "lat": "23.125", "lng": "113.265",
                                            "attributes": DEEP}, format="multipart")
    assert response.status_code == 400, response.content
    assert "attributes" in response.json()
    assert not Event.objects.exists()


def test_case_step_with_a_json_body_nested_thousands_deep_is_400_and_changes_nothing(areas, catalogue, media_root):
    from gridmgmt.events.models import SmallClass
    from tests import factories

    case = factories.report(areas.grid, SmallClass.objects.get(code="1102")).case_source.case
    client = user_client(Role.DISPATCHER, "dispatcher")
    for path in (f"/api/cases/{case.pk}/open/", "/api/cases/dispatch-bulk/"):
        response = client.post(path, DEEP, content_type="application/json")
        assert response.status_code == 400, (path, response.content)
    case.refresh_from_db()
    assert case.version == 1 and case.status == "reported"


def test_open311_post_with_a_json_body_nested_thousands_deep_is_an_open311_400(areas, catalogue, capsys):
    call_command("create_api_key", "hotline")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    response = Client().post("/open311/v2/requests.json", '{"api_key": "' + key + '", "x": ' + DEEP + "}",
                             content_type="application/json")
    assert response.status_code == 400, response.content
    assert "nested deeper than" in json.loads(response.content)[0]["description"]
    assert not Event.objects.exists()


@pytest.mark.parametrize("path", ["/gis/api/boundaries/check/", "/gis/api/boundaries/save/", "/gis/api/grids/split/",
                                  "/gis/api/grids/activate/"])
def test_gis_json_api_with_a_deep_or_multipart_body_is_400_naming_json(areas, path):
    client = user_client(Role.GIS_EDITOR, "gis", api=False)
    deep = client.post(path, DEEP, content_type="application/json")
    assert deep.status_code == 400 and "nested deeper than" in deep.json()["detail"], deep.content
    form = client.post(path, {"geometry": "x"})  # multipart, as a browser form posts
    assert form.status_code == 400 and "multipart/form-data" in form.json()["detail"], form.content
    nan = client.post(path, '{"level": "community", "code": "1", "geometry": {"type": "Point", '
                            '"coordinates": [NaN, 23]}}', content_type="application/json")
    assert nan.status_code == 400 and "NaN is not a JSON number" in nan.json()["detail"], nan.content


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_holidays", "load_catalogue", "import_water_bodies"])
def test_a_file_nested_thousands_deep_is_a_command_error_naming_it(tmp_path, command):
    # Seen: a RecursionError traceback from each command's json.loads.
    path = tmp_path / "deep.json"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(CommandError, match=f"nested deeper than {MAX_DEPTH} levels"):
        call_command(command, str(path))


@pytest.mark.parametrize(("data", "named"), [
    ('{"a": 1}'.encode("utf-16"), "this is UTF-16"),
    ('{"a": 1}'.encode("utf-16-le"), "this is UTF-16-LE"),
    ('{"a": 1}'.encode("utf-32-be"), "this is UTF-32-BE"),
    ('{"a": "广州"}'.encode("gb18030"), "byte 0xb9 at position 7 is not UTF-8"),
], ids=["utf-16", "utf-16-le", "utf-32-be", "gb18030"])
def test_json_bytes_not_in_utf8_are_refused_naming_the_encoding(data, named):
    """json.loads guessed UTF-16 and UTF-32 from the first bytes; RFC 8259 section 8.1 wants UTF-8."""
    with pytest.raises(JSONInputError, match=f"JSON must be UTF-8 .RFC 8259 §8.1.; {named}"):
        json_loads(data)


def test_json_bytes_in_utf8_with_or_without_a_byte_order_mark_are_read():
    assert json_loads('{"a": "广州"}'.encode()) == json_loads(b"\xef\xbb\xbf" + '{"a": "广州"}'.encode()) == {"a": "广州"}


def test_api_report_body_in_utf16_declared_as_such_is_400(areas, catalogue):
    client = user_client(Role.DISTRICT_LEADER, "leader")
    body = json.dumps({"service_code": "1102", "lat": 23.13, "lng": 113.265}).encode("utf-16")
    response = client.post("/api/events/", body, content_type="application/json; charset=utf-16")
    assert response.status_code == 400 and "JSON must be UTF-8" in response.json()["detail"]
    assert not Event.objects.exists()


@pytest.mark.parametrize("text", ['"\\ud800"', '{"\\udfff": 1}', '[["a\\udc00b"]]', '"\\ude00\\ud83d"'])
def test_json_string_holding_an_unpaired_surrogate_is_refused(text):
    with pytest.raises(JSONInputError, match="unpaired surrogate U\\+D"):
        json_loads(text)


def test_json_surrogate_pair_written_as_escapes_is_read_as_its_character():
    assert json_loads('"\\ud83d\\ude00"') == "\U0001f600"


@pytest.mark.parametrize("field", ["description", "address_string", "service_code", "lat", "api_key"])
def test_open311_json_post_with_an_unpaired_surrogate_is_an_open311_400(areas, catalogue, capsys, field):
    # Was a 500: the text reached PostgreSQL (or the key's sha256) as a UnicodeEncodeError.
    call_command("create_api_key", "hotline")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    body = {"api_key": key, "service_code": "1102", "lat": 23.125, "long": 113.265, "description": "x"}
    body[field] = "a\ud800"
    text = json.dumps(body)  # ensure_ascii writes the surrogate as the escape \ud800
    response = Client().post("/open311/v2/requests.json", text, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "unpaired surrogate U+D800" in json.loads(response.content)[0]["description"]
    assert not Event.objects.exists()


def test_api_report_attribute_holding_an_unpaired_surrogate_is_400(areas, catalogue, media_root):
    client = user_client(Role.DISTRICT_LEADER, "leader")
    body = json.dumps({"service_code": "1102", "lat": 23.125, "lng": 113.265, "attributes": {"note": "\ud800"}})
    response = client.post("/api/events/", body, content_type="application/json")
    assert response.status_code == 400 and "unpaired surrogate" in response.json()["detail"]
    assert not Event.objects.exists()


def test_open311_json_post_with_an_api_key_that_is_no_text_is_403(areas, catalogue):
    # "api_key": 123 was a 500 (AttributeError: 'int' object has no attribute 'encode')
    body = json.dumps({"api_key": 123, "service_code": "1102", "lat": 23.125, "long": 113.265})
    response = Client().post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 403, response.content
    assert not Event.objects.exists()
