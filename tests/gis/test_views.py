"""The /gis/ page and endpoints: gis_editor only, bad input a 400 naming the problem, nothing changed."""

import json

import pytest
from django.test import Client

from gridmgmt.areas.models import BoundaryVersion
from gridmgmt.gis.models import ChangeRecord

WEST_WIDER = {"type": "Polygon", "coordinates": [[[113.26, 23.12], [113.272, 23.12], [113.272, 23.13],
                                                  [113.26, 23.13], [113.26, 23.12]]]}


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # reasons checked in the source language
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body) if not isinstance(body, str) else body, content_type="application/json")


def test_gis_user_lands_on_the_editor_after_sign_in(two_communities):
    client = _client(two_communities.gis)
    assert client.get("/").url == "/gis/"
    page = client.get("/gis/")
    assert page.status_code == 200 and b'data-testid="gis-map"' in page.content


@pytest.mark.parametrize("url", ["/gis/api/boundaries/save/", "/gis/api/grids/merge/", "/gis/api/grids/split/"])
def test_other_roles_cannot_change_geometry(two_communities, url):
    response = _post(_client(two_communities.dispatcher), url,
                     {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
                      "neighbours_follow": True, "reason": "x"})
    assert response.status_code == 403
    assert BoundaryVersion.objects.filter(code=two_communities.west.code).count() == 1
    assert _client(two_communities.dispatcher).get("/gis/").status_code == 403


def test_anonymous_is_sent_to_sign_in(two_communities):
    assert Client().get("/gis/").status_code == 302


@pytest.mark.parametrize("body, message", [
    ("not json", "not JSON"),
    ({"level": "community", "based_on_version": 1, "code": "440104001001", "geometry": {"type": "Polygon", "coordinates": "x"}},
     "not a GeoJSON geometry"),
    ({"level": "county", "code": "440104001001", "geometry": WEST_WIDER}, "Unknown level"),
    ({"level": "community", "based_on_version": 1, "code": "440104009009", "geometry": WEST_WIDER}, "No community"),
])
def test_malformed_check_request_is_a_400_naming_the_problem(two_communities, body, message):
    response = _post(_client(two_communities.gis), "/gis/api/boundaries/check/", body)
    assert response.status_code == 400 and message in response.json()["detail"]


def test_check_returns_the_overlap_as_geojson_and_save_refuses_with_409(two_communities):
    client = _client(two_communities.gis)
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER, "reason": "survey"}
    plan = _post(client, "/gis/api/boundaries/check/", body).json()
    (problem,) = plan["problems"]["features"]
    assert problem["properties"]["kind"] == "overlap" and problem["geometry"]["type"] == "Polygon"
    refused = _post(client, "/gis/api/boundaries/save/", body)
    assert refused.status_code == 409 and refused.json()["problems"]["features"]
    assert BoundaryVersion.objects.filter(code=two_communities.west.code).count() == 1


def test_save_without_a_reason_is_refused(two_communities):
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": " "}
    response = _post(_client(two_communities.gis), "/gis/api/boundaries/save/", body)
    assert response.status_code == 400 and "why" in response.json()["detail"]


def test_save_with_neighbours_following_and_history_lists_it(two_communities):
    client = _client(two_communities.gis)
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "2026-12-01"}
    saved = _post(client, "/gis/api/boundaries/save/", body).json()
    assert saved["saved"] == [two_communities.west.code, two_communities.east.code]
    (change,) = client.get(f"/gis/api/history/{two_communities.east.code}/").json()["changes"]
    assert (change["user"], change["reason"]) == ("gis", "survey 2026")


# date.fromisoformat alone took the compact and week forms (Python 3.11) and, through str(), a JSON number.
@pytest.mark.parametrize("valid_from", ["1st of May", "20261201", "2026-W49-2", 20261201, "2026-02-30"])
def test_bad_valid_from_is_a_400(two_communities, valid_from):
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "x", "valid_from": valid_from}
    response = _post(_client(two_communities.gis), "/gis/api/boundaries/save/", body)
    assert response.status_code == 400 and "valid_from" in response.json()["detail"]
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize("language, words", [("en", ["Valid from 0001-01-01 is before", "starts 2026-01-01"]),
                                              ("zh-hans", ["生效日期 0001-01-01 早于", "2026-01-01"])])
def test_valid_from_before_the_current_version_is_a_400_about_the_date_not_topology(two_communities, language,
                                                                                     words):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(two_communities.gis)
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "0001-01-01"}
    response = _post(client, "/gis/api/boundaries/save/", body)
    detail = response.json()["detail"]
    assert response.status_code == 400 and all(word in detail for word in words), detail
    assert "topolog" not in detail and "拓扑" not in detail
    assert BoundaryVersion.objects.filter(code=two_communities.west.code).count() == 1


def test_problem_reasons_come_in_the_readers_language(two_communities):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(two_communities.gis)
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER}
    (problem,) = _post(client, "/gis/api/boundaries/check/", body).json()["problems"]["features"]
    assert "重叠" in problem["properties"]["reason"]


def test_gap_reason_names_the_level_in_the_readers_language(two_communities):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(two_communities.gis)
    narrower = {"type": "Polygon", "coordinates": [[[113.26, 23.12], [113.268, 23.12], [113.268, 23.13],
                                                    [113.26, 23.13], [113.26, 23.12]]]}
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": narrower}
    (problem,) = _post(client, "/gis/api/boundaries/check/", body).json()["problems"]["features"]
    assert problem["properties"]["kind"] == "gap"
    assert "社区" in problem["properties"]["reason"] and "community" not in problem["properties"]["reason"]


def test_map_on_a_day_shows_the_boundary_valid_then_and_history_page_lists_the_change(two_communities):
    client = _client(two_communities.gis)
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "2026-12-01"}
    assert _post(client, "/gis/api/boundaries/save/", body).status_code == 200
    before = client.get("/gis/api/map-on/", {"day": "2026-11-30"}).json()["boundaries"]["features"]
    after = client.get("/gis/api/map-on/", {"day": "2026-12-01"}).json()["boundaries"]["features"]
    east_before = next(f for f in before if f["properties"]["code"] == two_communities.east.code)
    east_after = next(f for f in after if f["properties"]["code"] == two_communities.east.code)
    assert (east_before["properties"]["version"], east_after["properties"]["version"]) == (1, 2)
    page = client.get(f"/gis/history/{two_communities.west.code}/")
    assert b"survey 2026" in page.content


@pytest.mark.parametrize("query", [{"day": "yesterday"}, {"day": "20261201"}, {"day": "2026-W49-2"},
                                   {"day": "2026-12-01", "level": "grid"}])
def test_map_on_with_a_bad_day_or_level_is_a_400(two_communities, query):
    assert _client(two_communities.gis).get("/gis/api/map-on/", query).status_code == 400


def _west_with_its_north_west_corner_moved_west_by(degrees: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[113.26, 23.12], [113.27, 23.12], [113.27, 23.13],
                                                [113.26 - degrees, 23.13], [113.26, 23.12]]]}


@pytest.mark.parametrize("degrees, stale", [
    (5e-7, False),  # ≈ 5 cm: a sliver of ≈ 28 m², within the 50 m² topology tolerance
    (3e-5, True),  # ≈ 3 m (within the street's 5 m containment tolerance): ≈ 1,700 m² the grids miss
])
def test_one_vertex_dragged_lists_the_grids_to_regenerate_or_says_they_still_fit(gridded, degrees, stale):
    body = {"level": "community", "based_on_version": 1, "code": gridded.west.code, "reason": "survey 2026", "valid_from": "2026-12-01",
            "geometry": _west_with_its_north_west_corner_moved_west_by(degrees)}
    saved = _post(gridded.client, "/gis/api/boundaries/save/", body).json()
    assert saved["saved"] == [gridded.west.code]
    assert BoundaryVersion.objects.filter(code=gridded.west.code).count() == 2  # a new version either way
    listed = [c["code"] for c in gridded.client.get("/gis/api/grids/stale/").json()["communities"]]
    if stale:
        assert [c["code"] for c in saved["grids_to_regenerate"]] == listed == [gridded.west.code]
        assert saved["grids_still_fit"] == []
    else:
        assert saved["grids_to_regenerate"] == listed == []
        assert saved["grids_still_fit"] == [gridded.west.code]


def test_history_page_says_what_was_done_in_the_readers_language(two_communities):
    """The Chinese history page showed the stored codes 'boundary · edit' (and 'grid · regenerate' for a
    generation) under the case workflow's heading 办理记录; now the kind and action are words of the
    page's language under its own heading, a field correction naming its kind."""
    from django.utils import translation

    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "2026-12-01"}
    assert _post(_client(two_communities.gis), "/gis/api/boundaries/save/", body).status_code == 200
    reader = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    reader.force_login(two_communities.gis)
    page = reader.get(f"/gis/history/{two_communities.west.code}/").content.decode()
    assert "边界 · 编辑" in page and "<title>变更记录" in page, page
    assert "boundary" not in page and " edit<" not in page and "办理记录" not in page
    english = _client(two_communities.gis).get(f"/gis/history/{two_communities.west.code}/").content.decode()
    assert "Boundary · edited" in english and "Change history" in english
    with translation.override("zh-hans"):
        by_command = ChangeRecord(kind="grid", action="regenerate", via="manage.py generate_grids, run by root")
        assert by_command.actor_label == "manage.py generate_grids（系统账户 root 运行）"
        assert ChangeRecord(kind="building", action="correction households").action_label.startswith("现场更正：")
        assert str(ChangeRecord(kind="grid", action="regenerate").get_kind_display()) == "网格"


def test_history_without_a_code_lists_the_latest_changes_and_the_editor_links_to_it(two_communities):
    """/gis/history/ was a 404 and no page linked to any history: an editor had to know /gis/history/CODE/
    from the README. Now the editor links to the district's latest changes, each code linking to its own."""
    client = _client(two_communities.gis)
    assert 'href="/gis/history/"' in client.get("/gis/").content.decode()
    assert "No changes recorded." in client.get("/gis/history/").content.decode()
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "2026-12-01"}
    assert _post(client, "/gis/api/boundaries/save/", body).status_code == 200
    page = client.get("/gis/history/")
    assert page.status_code == 200 and "survey 2026" in page.content.decode()
    assert f'href="/gis/history/{two_communities.east.code}/"' in page.content.decode()  # the neighbour followed
    assert _client(two_communities.dispatcher).get("/gis/history/").status_code == 403


def test_a_save_drawn_on_a_boundary_someone_saved_since_is_409_and_changes_nothing(two_communities):
    # Before: the second editor's ring, drawn on version 1, replaced the first editor's save without a word.
    first, second = _client(two_communities.gis), _client(two_communities.gis)
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "2026-12-01"}
    assert _post(first, "/gis/api/boundaries/save/", body).status_code == 200
    versions = BoundaryVersion.objects.count()
    late = _post(second, "/gis/api/boundaries/save/", {**body, "reason": "older survey"})
    assert late.status_code == 409
    assert f"{two_communities.west.code} was saved by someone else since you drew on it (version 2, yours 1)" in \
        late.json()["detail"]
    assert BoundaryVersion.objects.count() == versions and ChangeRecord.objects.count() == 1


@pytest.mark.parametrize("version", [None, "1_0", "١", 0, True])
def test_a_save_without_the_version_the_map_showed_is_400_naming_it(two_communities, version):
    body = {"level": "community", "code": two_communities.west.code, "geometry": WEST_WIDER, "reason": "survey",
            **({} if version is None else {"based_on_version": version})}
    response = _post(_client(two_communities.gis), "/gis/api/boundaries/save/", body)
    assert response.status_code == 400 and "based_on_version" in response.json()["detail"]
    assert BoundaryVersion.objects.filter(code=two_communities.west.code).count() == 1


def test_the_conflict_is_said_in_the_reader_s_language(two_communities):
    body = {"level": "community", "based_on_version": 1, "code": two_communities.west.code, "geometry": WEST_WIDER,
            "neighbours_follow": True, "reason": "survey 2026", "valid_from": "2026-12-01"}
    assert _post(_client(two_communities.gis), "/gis/api/boundaries/save/", body).status_code == 200
    reader = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    reader.force_login(two_communities.gis)
    late = reader.post("/gis/api/boundaries/save/", json.dumps(body), content_type="application/json")
    assert late.status_code == 409 and "在您绘制后已由他人保存（当前第 2 版，您绘制时为第 1 版）" in late.json()["detail"]
