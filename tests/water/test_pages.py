"""The water body's file page (一河一档) and the patrol API (real PostGIS, Django test client)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, Point

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.water.models import Patrol, RiverChief, WaterBody
from gridmgmt.water.services import water_observation_record

LNG, LAT = 113.262, 23.121
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC).timestamp()


@pytest.fixture
def ditch(areas, patrol_rules):
    body = WaterBody.objects.create(code="WB-1", name="一号涌", kind="ditch", source="test",
                                    geometry=LineString((LNG, 23.1205), (LNG, 23.1295), srid=4326))
    RiverChief.objects.create(water_body=body, level="community", name="李河长", phone="020-1234")
    return body


def user_with(username, role, **scope):
    user = get_user_model().objects.create_user(username, password="pw-long-enough-1")
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def walk(minutes, km, steps=20):
    return [[LNG, LAT + km / 111.195 * i / steps, T0 + minutes * 60 * i / steps] for i in range(steps + 1)]


def test_file_shows_grids_chiefs_observations_and_cases(client, ditch, duty_classes):
    water_observation_record(location=Point(LNG, 23.125, srid=4326), observed_at=datetime.now(UTC),
                             ammonia_nitrogen_mg_l=12, water_body=ditch)
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    page = client.get("/water/WB-1/").content.decode()
    assert "一号涌" in page and "44010400100101" in page and "李河长" in page and "小微水体黑臭" in page


def test_cases_limited_to_the_readers_jurisdiction(client, ditch, duty_classes):
    water_observation_record(location=Point(LNG, 23.125, srid=4326), observed_at=datetime.now(UTC),
                             ammonia_nitrogen_mg_l=12, water_body=ditch)
    client.force_login(user_with("other", Role.GRID_WORKER, grid_code="44010400100299"))
    response = client.get("/water/WB-1/")
    assert response.status_code == 200 and "小微水体黑臭" not in response.content.decode()


def test_unknown_body_404_anonymous_redirected_no_role_403(client, ditch):
    assert client.get("/water/WB-1/").status_code == 302
    client.force_login(get_user_model().objects.create_user("nobody"))
    assert client.get("/water/WB-1/").status_code == 403
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    assert client.get("/water/NOPE/").status_code == 404


def test_patrol_api_created_then_resend_returns_the_first(client, ditch):
    client.force_login(user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101"))
    body = {"client_id": "phone-1", "water_body": "WB-1", "fixes": walk(12, 1.05)}
    first = client.post("/api/patrols/", body, content_type="application/json")
    again = client.post("/api/patrols/", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["compliant"] is True
    assert Patrol.objects.count() == 1


def test_patrol_api_bad_input_named(client, ditch):
    client.force_login(user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101"))
    unknown = client.post("/api/patrols/", {"client_id": "x", "water_body": "NOPE", "fixes": []},
                          content_type="application/json")
    assert unknown.status_code == 400 and "unknown water body" in unknown.json()["water_body"]
    bad_fix = client.post("/api/patrols/", {"client_id": "x", "fixes": [[LNG, LAT, T0], ["a", LAT, T0 + 1]]},
                          content_type="application/json")
    assert bad_fix.status_code == 400 and "fix 1" in bad_fix.json()["fixes"][0]
    assert not Patrol.objects.exists()


def test_patrol_api_refuses_non_workers(client, ditch):
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    response = client.post("/api/patrols/", {"client_id": "x", "fixes": walk(12, 1.05)},
                           content_type="application/json")
    assert response.status_code == 403


def test_observation_api_black_odorous_opens_event(client, ditch, duty_classes):
    client.force_login(user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101"))
    response = client.post("/api/water-observations/", {"water_body": "WB-1", "lat": 23.125, "lng": LNG,
                                                        "dissolved_oxygen_mg_l": 0.1, "orp_mv": -250},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["black_odor_class"] == 2 and body["grid_code"] == "44010400100101" and body["event"]


def test_observation_api_bad_values_named_nothing_stored(client, ditch, duty_classes):
    from gridmgmt.water.models import WaterObservation
    client.force_login(user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101"))
    bad = client.post("/api/water-observations/", {"lat": 23.125, "lng": LNG, "orp_mv": "low"},
                      content_type="application/json")
    assert bad.status_code == 400 and "orp_mv" in bad.json()
    outside = client.post("/api/water-observations/", {"lat": 42.36, "lng": -71.06, "orp_mv": 10},
                          content_type="application/json")
    assert outside.status_code == 400 and "outside the district" in outside.json()["location"][0]
    nothing = client.post("/api/water-observations/", {"lat": 23.125, "lng": LNG}, content_type="application/json")
    assert nothing.status_code == 400 and "no indicator" in nothing.content.decode()
    assert not WaterObservation.objects.exists()
    client.force_login(get_user_model().objects.create_user("nobody"))
    assert client.post("/api/water-observations/", {"lat": 23.125, "lng": LNG, "orp_mv": 10},
                       content_type="application/json").status_code == 403


def test_patrol_rule_shows_its_source_or_says_it_is_a_local_setting(client, ditch):
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    cited = client.get("/water/WB-1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "广州市河长湖长巡查河湖指导意见" in cited and "local setting" not in cited
    WaterBody.objects.filter(pk=ditch.pk).update(warning_level="yellow")  # no source found for the warning levels
    local = client.get("/water/WB-1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "local setting, not from a standard — set by the district" in local
    assert "广州市河长湖长巡查河湖指导意见" not in local
    assert "本地设定，非标准规定——由区设定" in client.get("/water/WB-1/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_an_osm_water_body_whose_code_holds_a_slash_has_its_page_and_link(client, areas, patrol_rules):
    """OSM codes (osm:way/123) hold a slash: the page answers and the grid file links to it."""
    WaterBody.objects.create(code="osm:way/123", name="", kind="stream", source="osm",
                             geometry=LineString((LNG, 23.1205), (LNG, 23.1295), srid=4326))
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    assert client.get("/water/osm:way/123/").status_code == 200
    grid_file = client.get("/duties/grids/44010400100101/")
    assert grid_file.status_code == 200 and 'href="/water/osm:way/123/"' in grid_file.content.decode()


HOSTILE_PATROLS = {  # each was a 500 or was stored
    "client_id NUL": ({"client_id": "a\x00b"}, "client_id", "control characters"),  # 500
    "client_id control": ({"client_id": "a\x0bb"}, "client_id", "control characters"),  # stored
    "client_id object": ({"client_id": {"x": 1}}, "client_id", "text of at most 64"),  # stored as "{'x': 1}"
    "water_body NUL": ({"water_body": "WB\x00"}, "water_body", "NUL"),  # 500
    "fix of 401 digits": ({"fixes": [[LNG, LAT, 10**400], [LNG, LAT, T0]]}, "fixes", "three numbers"),  # 500
    "fix at -1e12 s": ({"fixes": [[LNG, LAT, -1e12], [LNG, LAT + 0.001, -1e12 + 60]]}, "fixes", "window"),  # 500
    "fixes of 1970": ({"fixes": [[LNG, LAT + i * 0.0005, i * 60] for i in range(21)]}, "fixes", "window"),
    "fixes of 2100": ({"fixes": [[LNG, LAT + i * 0.0005, 4102444800 + i * 60] for i in range(21)]},
                      "fixes", "window"),
    "fix as text": ({"fixes": [[str(LNG), str(LAT), str(T0)], [LNG, LAT + 0.001, T0 + 60]]}, "fixes",
                    "three numbers"),
    "fix of Arabic-Indic digits": ({"fixes": [["١١٣", LAT, T0], [LNG, LAT, T0 + 60]]}, "fixes", "three numbers"),
    "fix with true": ({"fixes": [[LNG, LAT, True], [LNG, LAT + 0.001, 60]]}, "fixes", "three numbers"),
    "fix a 3-letter string": ({"fixes": ["123", [LNG, LAT, T0]]}, "fixes", "three numbers"),
}


@pytest.mark.parametrize("name", list(HOSTILE_PATROLS))
def test_patrol_api_hostile_input_400_naming_the_field_nothing_stored(client, ditch, name):
    client.force_login(user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101"))
    change, field, named = HOSTILE_PATROLS[name]
    body = {"client_id": "phone-1", "fixes": walk(12, 1.05), **change}
    response = client.post("/api/patrols/", body, content_type="application/json")
    assert response.status_code == 400 and named in str(response.json()[field])
    assert not Patrol.objects.exists()


@pytest.mark.parametrize(("change", "named"), [
    ({"observed_at": "0001-01-01T00:00:00Z"}, "before 2000"),
    ({"observed_at": "1970-01-01T00:00:00Z"}, "before 2000"),
    ({"observed_at": "9999-12-31T00:00:00Z"}, "in the future"),
    ({"water_body": "a\x00"}, "NUL"),  # was 500
    ({"orp_mv": 10**400}, "orp_mv"),  # a JSON integer beyond a float: was 500 (OverflowError)
    ({"lat": 10**400}, "lat"),
])
def test_observation_api_impossible_time_or_code_400_nothing_stored(client, ditch, duty_classes, change, named):
    from gridmgmt.water.models import WaterObservation
    client.force_login(user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101"))
    response = client.post("/api/water-observations/", {"lat": 23.125, "lng": LNG, "orp_mv": 100, **change},
                           content_type="application/json")
    assert response.status_code == 400 and named in str(response.json()), response.content
    assert not WaterObservation.objects.exists()
