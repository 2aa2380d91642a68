"""The worker pages and the shared pages through Django's test client: permissions, content, i18n."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from gridmgmt.events.services import event_create


def client_for(client, user):
    client.force_login(user)
    return client


def report(district, user, *, lng=113.265, description="") -> int:
    return event_create(small_class_code="1102", point=Point(lng, 23.125, srid=4326), channel="worker_app",
                        reporter=user, description=description).event.pk


@pytest.mark.parametrize("path", ["/worker/", "/worker/report/", "/worker/reports/", "/worker/tasks/1/"])
def test_worker_pages_send_anonymous_users_to_sign_in(client, small_district, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("who", ["dispatcher", "handler", "nobody"])
@pytest.mark.parametrize("path", ["/worker/", "/worker/report/", "/worker/reports/"])
def test_non_workers_cannot_open_worker_pages(client, small_district, who, path):
    assert client_for(client, small_district.users[who]).get(path).status_code == 403


@pytest.mark.parametrize("who, home", [("worker", "/worker/"), ("dispatcher", "/console/"),
                                       ("handler", "/department/")])
def test_landing_sends_each_role_to_its_home(client, small_district, who, home):
    response = client_for(client, small_district.users[who]).get("/")
    assert (response.status_code, response["Location"]) == (302, home)


def test_landing_without_role_says_so(client, small_district):
    response = client_for(client, small_district.users["nobody"]).get("/")
    assert response.status_code == 403
    assert response.templates[0].name == "web/no_role.html"


def test_worker_home_shows_only_the_workers_grid(client, small_district):
    response = client_for(client, small_district.users["worker"]).get("/worker/")
    assert response.status_code == 200
    grids = response.context["grids_geojson"]
    assert [f["properties"]["code"] for f in grids["features"]] == ["44010400100101"]


def test_report_page_carries_the_catalogue_with_attributes(client, small_district):
    response = client_for(client, small_district.users["worker"]).get("/worker/report/")
    catalogue = response.context["catalogue"]
    assert [big["code"] for big in catalogue] == ["11", "15"]
    waterlogging = catalogue[1]["classes"][0]
    assert waterlogging["code"] == "1503" and waterlogging["attributes"][0]["code"] == "depth_cm"
    assert 'id="catalogue"' in response.content.decode()


def test_reports_page_lists_only_my_reports(client, small_district):
    mine = report(small_district, small_district.users["worker"], description="mine")
    theirs = report(small_district, small_district.users["worker2"], lng=113.275, description="theirs")
    body = client_for(client, small_district.users["worker"]).get("/worker/reports/").content.decode()
    assert f'data-testid="report-{mine}"' in body
    assert f'data-testid="report-{theirs}"' not in body


def test_verify_page_of_a_case_outside_my_grid_is_not_found(client, small_district):
    event_id = report(small_district, small_district.users["worker2"], lng=113.275)
    from gridmgmt.events.models import Event
    case_id = Event.objects.get(pk=event_id).case_source.case_id
    assert client_for(client, small_district.users["worker"]).get(f"/worker/tasks/{case_id}/").status_code == 404
    client.force_login(small_district.users["worker2"])
    assert client.get(f"/worker/tasks/{case_id}/").status_code == 200


def test_service_worker_is_served_from_the_root_with_root_scope(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Service-Worker-Allowed"] == "/"
    assert b"gridmgmt-shared-v2" in b"".join(response.streaming_content)


def test_worker_pages_name_their_user_and_the_sessions_stored_end_for_the_service_worker(client, small_district,
                                                                                         settings):
    from django.contrib.sessions.models import Session

    client.force_login(small_district.users["worker"])
    stored = Session.objects.get().expire_date
    for path in ("/worker/", "/worker/report/", "/worker/reports/"):
        response = client.get(path)
        assert response["X-Gridmgmt-User"] == "worker"
        # The stored end, not "now + age": a page loaded late in a session must not stretch it offline.
        assert response["X-Gridmgmt-Session-Expires"] == stored.isoformat()


def test_session_user_answer_is_json_for_a_worker_and_a_sign_in_redirect_otherwise(client, small_district):
    assert client.get("/worker/me.json").status_code == 302
    client.force_login(small_district.users["worker"])
    response = client.get("/worker/me.json")
    assert response.json() == {"user": "worker"} and "no-cache" in response["Cache-Control"]


def test_offline_page_shows_no_one_even_when_fetched_signed_in(client, small_district):
    client.force_login(small_district.users["worker"])
    response = client.get("/worker/offline/")
    assert response.status_code == 200 and b'data-user=""' in response.content
    assert b"worker" not in response.content.split(b"<main")[0]


def test_district_layer_is_geojson(client, small_district):
    data = client.get("/map/district.geojson").json()
    assert [f["properties"]["code"] for f in data["features"]] == ["440104"]
    assert data["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_pages_are_chinese_by_default_and_english_on_request(client, small_district):
    client_for(client, small_district.users["worker"])
    assert "上报问题" in client.get("/worker/").content.decode()
    client.cookies["django_language"] = "en"
    body = client.get("/worker/").content.decode()
    assert "Report a problem" in body and 'lang="en"' in body


def test_header_names_the_user_and_role(client, small_district):
    body = client_for(client, small_district.users["worker"]).get("/worker/").content.decode()
    assert 'data-user="worker"' in body
    assert "网格员" in body


def test_sign_in_form_signs_in_and_lands_on_the_role_home(client, small_district):
    response = client.post("/accounts/login/", {"username": "worker", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == "/worker/"
    wrong = Client().post("/accounts/login/", {"username": "worker", "password": "nope"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()


def test_basemap_setting_reaches_the_map_config(client, small_district, settings):
    settings.GRIDMGMT_BASEMAP = "tianditu"
    settings.GRIDMGMT_TIANDITU_KEY = "k123"
    body = client_for(client, small_district.users["worker"]).get("/worker/").content.decode()
    assert '"basemap": "tianditu"' in body and '"tiandituKey": "k123"' in body


def test_navigation_gives_the_centre_its_console_kpis_and_dashboard(client, small_district):
    html = client_for(client, small_district.users["dispatcher"]).get("/console/").content.decode()
    for path in ('href="/console/"', 'href="/console/kpis/"', 'href="/dashboard/"'):
        assert path in html


def test_navigation_of_a_worker_has_only_their_grid(client, small_district):
    html = client_for(client, small_district.users["worker"]).get("/worker/").content.decode()
    assert 'href="/worker/"' in html and 'href="/dashboard/"' not in html
