"""The API's shared rules at their edges: pagination parameters, a wrong API key, a KPI error asked as CSV."""

import pytest
from rest_framework.test import APIClient

from gridmgmt.events.api_keys import api_key_create


@pytest.mark.parametrize("query, name", [
    ("limit=-1", "limit"), ("offset=-5", "offset"), ("page=0", "page"), ("page=x", "page"),
    ("limit=1.5", "limit"), ("limit=501", "limit"), ("page=2&offset=10", "page"),
])
@pytest.mark.parametrize("path", ["/api/cases/", "/api/notifications/"])
def test_bad_pagination_is_400_naming_the_parameter(client_as, path, query, name):
    response = client_as("leader").get(f"{path}?{query}")
    assert response.status_code == 400, (path, query, response.content)
    assert list(response.json()) == [name] and f"'{name}'" in str(response.json()[name])


def test_page_walks_the_case_list(client_as, make_event, case_of):
    ids = {case_of(make_event()).pk for _ in range(3)}
    client = client_as("leader")
    pages = [client.get("/api/cases/", {"limit": 2, "page": n}).json() for n in (1, 2)]
    assert [len(p["results"]) for p in pages] == [2, 1]
    assert {c["id"] for p in pages for c in p["results"]} == ids
    assert client.get("/api/cases/", {"limit": 2, "offset": 2}).json()["results"] == pages[1]["results"]


@pytest.mark.parametrize("path", ["/api/cases/", "/api/events/", "/api/kpis/?dimension=street"])
def test_a_wrong_api_key_is_named_on_every_endpoint(db, path):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_X_API_KEY="not-a-key")
    response = client.get(path)
    assert response.status_code in (401, 403)
    assert "invalid or revoked API key" in response.json()["detail"]


def test_a_valid_key_still_opens_only_the_endpoints_taking_keys(db):
    _, raw = api_key_create(name="hotline", channel="hotline")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    assert client.get("/api/events/").status_code == 200
    assert client.get("/api/cases/").status_code in (401, 403)


def test_a_kpi_error_asked_as_csv_is_the_api_s_json_error(client_as):
    response = client_as("leader").get("/api/kpis/", {"dimension": "street", "format": "csv"})
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["start"] and "ErrorDetail" not in response.content.decode()


@pytest.mark.parametrize("version", ["\u0661", "\uff11", "0_1", 1.0, True])
def test_a_case_version_that_is_no_ascii_integer_is_400_and_changes_nothing(client_as, make_event, case_of, version):
    # DRF's IntegerField read int(str(data)): Arabic-Indic ١ and full-width １ as 1, 0_1 as 1, 1.0 as 1
    case = case_of(make_event())
    response = client_as("leader").post(f"/api/cases/{case.pk}/cancel/", {"version": version, "note": "duplicate"},
                                        format="json")
    assert response.status_code == 400 and "version" in response.json(), response.content
    case.refresh_from_db()
    assert case.version == 1 and case.status == "reported"
