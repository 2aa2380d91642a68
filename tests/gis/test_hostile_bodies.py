"""The GIS editor's JSON endpoints answer odd bodies with 400 naming the field, and change nothing.

Kinds of issue 11 found by trying the editor (R4: NUL reaches PostgreSQL as a
text literal it cannot hold; R10's kind: degrees far outside the globe, which
snapping and the topology check's metric plane turn into NaN and GEOS errors).
"""

import json

import pytest
from shapely.geometry import box

from gridmgmt.areas.boundary_reader import BoundaryRecord
from gridmgmt.areas.models import BoundaryVersion, Community
from gridmgmt.areas.services import BoundaryImportRefused, boundaries_save
from gridmgmt.grids.models import Grid
from tests.gis.district import as_the_map_shows

HUGE_RING = {"type": "Polygon", "coordinates": [[[1e308, 1e308], [1e308, 0], [0, 0], [1e308, 1e308]]]}


def post(client, path, body):
    return client.post(path, json.dumps(as_the_map_shows(body) if "/grids/" in path else body),
                       content_type="application/json")


def state():
    return (list(Grid.objects.active().order_by("code").values_list("code", flat=True)),
            BoundaryVersion.objects.count())


def test_nul_in_any_text_of_a_body_is_400_naming_the_field(gridded):
    before = state()
    codes = before[0][:2]
    merge = post(gridded.client, "/gis/api/grids/merge/", {"grids": codes, "reason": "a\u0000b"})
    propose = post(gridded.client, "/gis/api/grids/propose/", {"community": "\u0000"})
    nested = post(gridded.client, "/gis/api/grids/merge/", {"grids": [codes[0], "4401\u0000"], "reason": "r"})
    assert (merge.status_code, merge.json()["detail"]) == (400, "reason contains a NUL character.")
    assert (propose.status_code, propose.json()["detail"]) == (400, "community contains a NUL character.")
    assert (nested.status_code, nested.json()["detail"]) == (400, "grids contains a NUL character.")
    assert state() == before


@pytest.mark.parametrize(("path", "key", "extra"), [
    ("/gis/api/boundaries/check/", "geometry", {}),
    ("/gis/api/boundaries/save/", "geometry", {"reason": "r", "valid_from": "2026-12-01"}),
])
def test_a_boundary_far_outside_the_globe_is_400_naming_the_range(gridded, path, key, extra):
    before = state()
    response = post(gridded.client, path, {"level": "community", "based_on_version": 1, "code": gridded.west.code, key: HUGE_RING, **extra})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("geometry: coordinates x 0…1e+308, y 0…1e+308 are outside the "
                                                "longitude/latitude range")
    assert state() == before


def test_a_split_line_far_outside_the_globe_is_400(gridded):
    before = state()
    line = {"type": "LineString", "coordinates": [[1e308, 0], [0, 1e308]]}
    response = post(gridded.client, "/gis/api/grids/split/", {"grid": before[0][0], "line": line, "reason": "r"})
    assert response.status_code == 400 and response.json()["detail"].startswith("line: coordinates x 0…1e+308")
    assert state() == before


def test_the_import_core_refuses_a_ring_outside_the_globe_from_any_caller(two_communities):
    record = BoundaryRecord(index=1, code=two_communities.west.code, name="西社区", name_en="",
                            parent_code=two_communities.street.code, geometry=box(0, 0, 1e308, 1e308))
    with pytest.raises(BoundaryImportRefused) as refused:
        boundaries_save(records=[record], level="community", source="test")
    assert any("outside the longitude/latitude range" in line for line in refused.value.report.refused)
    assert Community.objects.get(pk=two_communities.west.pk).boundary.extent == (113.26, 23.12, 113.27, 23.13)


def _west_square(x):
    """West's own square, with ``x`` in place of its first corner's longitude (113.26)."""
    return {"type": "Polygon", "coordinates": [[[x, 23.12], [113.27, 23.12], [113.27, 23.13], [113.26, 23.13],
                                                [113.26, 23.12]]]}


@pytest.mark.parametrize("x", ["١١٣.٢٦", "113.26", "１１３.２６", True, None, {"x": 1}, pytest.param(10**400, id="10**400")])
@pytest.mark.parametrize("path", ["/gis/api/boundaries/check/", "/gis/api/boundaries/save/"])
def test_a_coordinate_that_is_no_json_number_is_400_naming_it(gridded, path, x):
    # shapely's shape() read coordinates with float(): the text "١١٣.٢٦" (Arabic-Indic digits) was saved as
    # 113.26, true as 1.0 (R1's kind); only JSON numbers are coordinates.
    before = state()
    response = post(gridded.client, path, {"level": "community", "based_on_version": 1, "code": gridded.west.code, "reason": "survey",
                                           "valid_from": "2026-12-01", "geometry": _west_square(x)})
    assert response.status_code == 400 and "is not a number" in response.json()["detail"]
    assert state() == before


def test_a_split_line_of_text_coordinates_is_400(gridded):
    (code,) = Grid.objects.active().filter(community=gridded.east).values_list("code", flat=True)
    before = state()
    response = post(gridded.client, "/gis/api/grids/split/", {"grid": code, "reason": "x", "line": {
        "type": "LineString", "coordinates": [["١١٣.٢٧٤", 23.119], [113.274, 23.131]]}})
    assert response.status_code == 400 and "١١٣.٢٧٤" in response.json()["detail"] and state() == before


def test_a_split_line_with_an_integer_beyond_a_float_is_400(gridded):
    # 10**400 is a JSON number but no float: shape()'s float() raised OverflowError, a 500.
    (code,) = Grid.objects.active().filter(community=gridded.east).values_list("code", flat=True)
    before = state()
    response = post(gridded.client, "/gis/api/grids/split/", {"grid": code, "reason": "x", "line": {
        "type": "LineString", "coordinates": [[10**400, 23.119], [113.274, 23.131]]}})
    assert response.status_code == 400 and "is not a number" in response.json()["detail"] and state() == before


@pytest.mark.parametrize("flag", ["false", 0, "no", [False]])
def test_neighbours_follow_that_is_no_json_boolean_is_400(gridded, flag):
    # bool(body.get(...)) read the text "false" as true: the neighbour followed and both were saved.
    before = state()
    response = post(gridded.client, "/gis/api/boundaries/save/", {
        "level": "community", "based_on_version": 1, "code": gridded.west.code, "reason": "survey",
        "valid_from": "2026-12-01",
        "neighbours_follow": flag, "geometry": {"type": "Polygon", "coordinates": [[
            [113.26, 23.12], [113.272, 23.12], [113.272, 23.13], [113.26, 23.13], [113.26, 23.12]]]}})
    assert response.status_code == 400 and "neighbours_follow" in response.json()["detail"]
    assert state() == before


def test_a_ring_with_heights_is_saved_and_recorded_flat(gridded):
    # [lng, lat, 5]: the stored boundary dropped the 5, the plan and the history's record kept it.
    from gridmgmt.gis.models import ChangeRecord
    ring = [[113.26, 23.12, 5], [113.27, 23.12, 5], [113.27, 23.13, 5], [113.26, 23.13, 5], [113.26, 23.12, 5]]
    response = post(gridded.client, "/gis/api/boundaries/save/", {
        "level": "community", "based_on_version": 1, "code": gridded.west.code, "reason": "survey",
        "valid_from": "2026-12-01",
        "geometry": {"type": "Polygon", "coordinates": [ring]}})
    assert response.status_code == 200
    (feature,) = response.json()["boundaries"]["features"]
    assert all(len(point) == 2 for point in feature["geometry"]["coordinates"][0][0])
    after = ChangeRecord.objects.get().after[gridded.west.code]["coordinates"][0][0]
    assert all(len(point) == 2 for point in after)
