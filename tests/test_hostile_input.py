"""R1–R4 and R7 over HTTP: odd parameters get a 400 naming them (Open311 in its error format), never a 500.

Inputs from the robustness cases of issue 11: U+00B2 as an integer, date-times
that match the pattern but are no instant, the inclusive end date 9999-12-31,
NUL and C0 controls, a client's own Open311 attribute.
"""

import io
import json
from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.events.models import Event, SmallClass
from tests.events.conftest import areas, catalogue, media_root  # noqa: F401  (shared tiny areas)

SUPERSCRIPT_TWO = "\u00b2"


@pytest.fixture
def leader(db):
    user = get_user_model().objects.create_user("leader", "leader@example.org", "pw")
    RoleAssignment.objects.create(user=user, role=Role.DISTRICT_LEADER)
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def key(db, capsys):
    call_command("create_api_key", "hotline")
    return capsys.readouterr().out.strip().splitlines()[-1]


def open311_post(key, **params):
    data = {"api_key": key, "service_code": "1102", "lat": "23.125", "long": "113.265", **params}
    return Client().post("/open311/v2/requests.json", data)


@pytest.mark.parametrize(("path", "name"), [
    ("/api/grids/?precision=²", "precision"), ("/api/streets/?precision=²", "precision"),
    ("/api/grids/?generation=²", "generation"), ("/api/events/?limit=²", "limit"),
    ("/api/maps/report-hexbins/?zoom=²", "zoom"), ("/api/maps/report-hexbins/?days=١٢", "days"),
    ("/api/grids/?generation=99999999999999999999999", "generation"),
    ("/api/communities/?street=44010400²", "street"),
])
def test_integer_parameter_superscript_two_is_400_naming_it(areas, leader, path, name):
    response = leader.get(path)
    assert response.status_code == 400, response.content
    assert name in response.json()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_service_request_id_superscript_is_open311_error(areas, catalogue, fmt):
    response = Client().get(f"/open311/v2/requests.{fmt}", {"service_request_id": f"1,{SUPERSCRIPT_TWO}"})
    assert response.status_code == 400
    if fmt == "json":
        errors = json.loads(response.content)
        assert errors[0]["code"] == 400 and "service_request_id" in errors[0]["description"]
    else:
        assert ET.fromstring(response.content).tag == "errors"


@pytest.mark.parametrize("value", ["1985-13-12T23:20:50Z", "2026-02-30T00:00:00+08:00", "0001-01-01T00:00:00+08:00"])
def test_open311_start_date_that_is_no_instant_is_open311_400(areas, catalogue, value):
    response = Client().get("/open311/v2/requests.json", {"start_date": value})
    assert response.status_code == 400
    errors = json.loads(response.content)
    assert errors[0]["code"] == 400 and "start_date" in errors[0]["description"]


def test_open311_end_date_near_year_one_does_not_overflow_the_default_window(areas, catalogue):
    response = Client().get("/open311/v2/requests.json", {"end_date": "0001-01-02T00:00:00Z"})
    assert response.status_code == 200 and json.loads(response.content) == []


def test_api_received_from_february_30_is_400(areas, leader):
    response = leader.get("/api/events/", {"received_from": "2026-02-30T00:00:00+08:00"})
    assert response.status_code == 400 and "received_from" in response.json()


def test_kpi_end_9999_12_31_means_no_upper_bound_in_json_and_csv(areas, leader):
    params = {"dimension": "street", "start": "2026-01-01", "end": "9999-12-31"}
    assert leader.get("/api/kpis/", params).status_code == 200
    response = leader.get("/api/kpis/", {**params, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_kpi_start_of_february_30_is_400_naming_start(areas, leader):
    response = leader.get("/api/kpis/", {"dimension": "street", "start": "2026-02-30", "end": "2026-03-01"})
    assert response.status_code == 400 and "start" in response.json()


def test_pages_kpi_and_console_received_to_9999_12_31_are_not_500(areas, db):
    user = get_user_model().objects.create_user("shift", "s@example.org", "pw")
    RoleAssignment.objects.create(user=user, role=Role.SHIFT_LEADER)
    client = Client()
    client.force_login(user)
    assert client.get("/console/kpis/", {"dimension": "street", "start": "2026-01-01", "end": "9999-12-31"}).status_code == 200
    assert client.get("/console/", {"received_to": "9999-12-31"}).status_code == 200
    assert client.get("/console/", {"q": SUPERSCRIPT_TWO}).status_code == 200  # search by case sequence
    assert client.get("/console/", {"q": "9" * 40}).status_code == 200


@pytest.mark.parametrize("path", ["/api/communities/?street=%00", "/api/events/?status=%00",
                                  "/api/cases/?status=a%00b", "/console/?street=%00", "/api/grids/?x%00=1"])
def test_nul_in_any_query_parameter_is_400(areas, leader, path):
    assert leader.get(path).status_code == 400


def test_open311_nul_in_query_is_open311_error_xml(areas, catalogue):
    response = Client().get("/open311/v2/requests.xml?status=open%00")
    assert response.status_code == 400 and ET.fromstring(response.content).tag == "errors"


def test_open311_description_with_vertical_tab_keeps_requests_xml_well_formed(areas, catalogue, key, media_root):
    response = open311_post(key, description="rubbish\x0bnear the gate\x01", address_string="1\x1f号")
    assert response.status_code == 201, response.content
    event = Event.objects.get()
    assert event.description == "rubbishnear the gate" and event.address == "1号"
    # A row stored before the intake rule (or by another path) must not break the document either.
    Event.objects.filter(pk=event.pk).update(description="old\x0brow")
    xml = Client().get("/open311/v2/requests.xml", {"service_request_id": str(event.pk)}).content
    assert ET.fromstring(xml).find("request/description").text == "oldrow"


def test_open311_description_with_nul_is_refused_and_nothing_stored(areas, catalogue, key):
    response = open311_post(key, description="a\x00b")
    assert response.status_code == 400 and "description" in json.loads(response.content)[0]["description"]
    assert not Event.objects.exists()


def test_open311_unknown_attribute_client_ref_is_accepted_and_kept_apart(areas, catalogue, key, media_root):
    response = open311_post(key, service_code="1503", **{"attribute[depth_cm]": "12", "attribute[client_ref]": "123"})
    assert response.status_code == 201, response.content
    event = Event.objects.get()
    assert event.attributes == {"depth_cm": 12.0}
    assert event.client_attributes == {"client_ref": "123"}
    definition = json.loads(Client().get("/open311/v2/services/1503.json").content)
    assert "client_ref" not in [a["code"] for a in definition["attributes"]]


def test_open311_bad_value_of_known_attribute_is_still_refused(areas, catalogue, key):
    response = open311_post(key, service_code="1503", **{"attribute[depth_cm]": "deep", "attribute[client_ref]": "1"})
    assert response.status_code == 400 and "depth_cm" in json.loads(response.content)[0]["description"]
    assert not Event.objects.exists()


def test_api_unknown_attribute_is_kept_apart_like_open311(areas, catalogue, media_root, leader):
    response = leader.post("/api/events/", {"service_code": "1503", "lat": 23.125, "lng": 113.265,
                                            "attributes": {"depth_cm": 3, "client_ref": "x-9"}}, format="json")
    assert response.status_code == 201, response.content
    assert Event.objects.get().client_attributes == {"client_ref": "x-9"}


@pytest.mark.parametrize("value", ["²", "abc", "1:²"])
def test_console_bulk_dispatch_with_bad_case_reference_is_400(db, value):
    user = get_user_model().objects.create_user("disp", "d@example.org", "pw")
    RoleAssignment.objects.create(user=user, role=Role.DISPATCHER)
    client = Client()
    client.force_login(user)
    assert client.post("/console/dispatch-bulk/", {"case": value}).status_code == 400


@pytest.mark.parametrize("field", ["service_code", "idempotency_key", "address_string", "attribute[x]", "lat"])
def test_open311_post_with_nul_in_any_field_is_400_and_stores_nothing(areas, catalogue, key, media_root, field):
    response = open311_post(key, **{field: "a\x00b"})
    assert response.status_code == 400, response.content
    assert json.loads(response.content)[0]["code"] == 400
    assert not Event.objects.exists()


# Same kinds, other places (found by trying the kinds against every route) ---------------------------


def test_traffic_segments_and_gis_map_on_end_9999_12_31_do_not_overflow(areas, leader):
    """R3's kind: an inclusive last day made exclusive by adding a day (api_params.day_end_exclusive)."""
    assert leader.get("/api/duties/traffic/segments/", {"start": "2026-01-01", "end": "9999-12-31"}).status_code == 200
    gis = get_user_model().objects.create_user("gis", "g@example.org", "pw")
    RoleAssignment.objects.create(user=gis, role=Role.GIS_EDITOR)
    client = Client()
    client.force_login(gis)
    response = client.get("/gis/api/map-on/", {"day": "9999-12-31", "level": "street"})
    assert response.status_code == 200 and response.json()["day"] == "9999-12-31"


def test_nul_in_a_posted_form_field_is_400_and_changes_nothing(areas, catalogue, media_root):
    """R4's kind in page forms: a note typed with NUL reached PostgreSQL (500); refused by the middleware."""
    from tests import factories

    user = get_user_model().objects.create_user("taker", "t@example.org", "pw")
    RoleAssignment.objects.create(user=user, role=Role.CALL_TAKER)
    client = Client()
    client.force_login(user)
    case = factories.report(areas.grid, SmallClass.objects.get(code="1102"), reporter=user).case_source.case
    response = client.post(f"/console/cases/{case.pk}/cancel/", {"version": case.version, "note": "gone\x00"})
    assert response.status_code == 400 and b"'note' contains a NUL character" in response.content
    case.refresh_from_db()
    assert case.status == "reported" and not case.history.filter(action="cancel").exists()


def test_nul_in_an_open311_path_is_an_open311_error(areas, catalogue):
    response = Client().get("/open311/v2/services/%00.xml")
    assert response.status_code == 400 and ET.fromstring(response.content).tag == "errors"


def test_a_step_text_with_nul_from_any_caller_is_refused_by_the_service(areas, catalogue, db):
    from gridmgmt.cases.errors import CaseInvalid
    from gridmgmt.cases.steps import step_text

    with pytest.raises(CaseInvalid, match="NUL"):
        step_text(7, "a\x00b")
    assert step_text(7, "a\x0bb\tc") == "ab\tc"  # other controls removed, as at intake


@pytest.mark.parametrize("username", ["x" * 5000, "boss\x00", "a\x0bb"])
def test_sign_in_with_an_impossible_user_name_is_refused_not_500(db, username):
    """Axes recorded the name as typed in a 255-character column (DataError 500); login_throttle cuts it."""
    from axes.models import AccessAttempt

    response = Client().post("/accounts/login/", {"username": username, "password": "wrong"})
    assert response.status_code in (200, 400)
    assert all(len(a.username) <= 150 and "\x00" not in a.username for a in AccessAttempt.objects.all())


def test_monthly_report_of_december_9999_does_not_overflow(areas):
    """R3's kind in the duties reports: the month's end was built as the 1st of the next month."""
    from datetime import date

    from gridmgmt.api_params import END_OF_TIME
    from gridmgmt.duties.reports import month_bounds

    assert month_bounds(date(9999, 12, 1))[1] == END_OF_TIME
    assert month_bounds(date(2026, 12, 5))[1].isoformat() == "2027-01-01T00:00:00+08:00"
    call_command("build_monthly_reports", "--month", "9999-12", "--no-pdf", stdout=open("/dev/null", "w"))


def test_boundary_file_with_an_infinite_coordinate_is_refused_naming_it(tmp_path, db):
    """R10's kind: 1e400 in GeoJSON reads as infinity, which GEOS cannot check (GEOSException traceback)."""
    from django.core.management import CommandError

    path = tmp_path / "inf.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "440104",'
                    ' "name": "x"}, "geometry": {"type": "Polygon", "coordinates": [[[113, 23], [113.1, 23],'
                    ' [113.1, 1e400], [113, 23]]]}}]}', encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 refused"):
        call_command("import_boundaries", str(path), "--level", "district", stdout=out, stderr=out)
    assert "coordinates that are not finite numbers" in out.getvalue()


@pytest.mark.parametrize("value", ["١٢", "1_2", "1e309", "nan"])
def test_open311_number_attribute_in_unicode_digits_or_not_finite_is_refused_naming_it(areas, catalogue, key, value):
    """R1's kind in attribute values: float() read '١٢' (Arabic-Indic digits) and '1_2' as 12 and stored them."""
    response = open311_post(key, service_code="1503", **{"attribute[depth_cm]": value})
    assert response.status_code == 400, response.content
    assert "depth_cm" in json.loads(response.content)[0]["description"]
    assert not Event.objects.exists()


def test_api_number_attribute_true_is_refused_not_stored_as_one(areas, catalogue, leader):
    response = leader.post("/api/events/", {"service_code": "1503", "lat": 23.125, "lng": 113.265,
                                            "attributes": {"depth_cm": True}}, format="json")
    assert response.status_code == 400 and "depth_cm" in str(response.json()), response.content
    assert not Event.objects.exists()
