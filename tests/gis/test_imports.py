"""Imports from the page: the dry run lists what would change and writes nothing; confirm writes it
through the same core as import_boundaries. Files are written by the tests themselves (no data files)."""

import json
import zipfile

import geopandas
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import box, mapping

from gridmgmt.areas.models import BoundaryVersion, Community
from gridmgmt.gis.imports import ImportFileError, page_import

EAST_SOUTH_HALF = box(113.27, 23.12, 113.28, 23.125)


def _geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(geom), "properties": {"code": code, "name": name, "parent": "440104001"}}
        for code, name, geom in features]}).encode()


def _east(d):
    return shapely.from_wkb(bytes(Community.objects.get(pk=d.east.pk).boundary.wkb))


def test_dry_run_lists_the_change_and_writes_nothing_then_confirm_writes_it(two_communities, tmp_path):
    path = tmp_path / "east.geojson"
    path.write_bytes(_geojson(("440104001002", "东社区", EAST_SOUTH_HALF)))
    dry = page_import(user=two_communities.gis, path=path, level="community", parent_field="parent")
    assert (dry.dry_run, dry.updated, dry.refused) == (True, ["440104001002"], [])
    assert _east(two_communities).equals(box(113.27, 23.12, 113.28, 23.13))
    done = page_import(user=two_communities.gis, path=path, level="community", parent_field="parent", confirm=True)
    assert done.updated == ["440104001002"] and _east(two_communities).equals(EAST_SOUTH_HALF)
    assert BoundaryVersion.objects.filter(code="440104001002").count() == 2


def test_overlapping_feature_is_refused_with_its_reason(two_communities, tmp_path):
    path = tmp_path / "new.geojson"
    path.write_bytes(_geojson(("440104001003", "新社区", box(113.265, 23.12, 113.275, 23.13))))
    result = page_import(user=two_communities.gis, path=path, level="community", parent_field="parent", confirm=True)
    (refused,) = result.refused
    assert "440104001003" in refused and "overlaps" in refused
    assert not Community.objects.filter(code="440104001003").exists()


def test_zipped_shapefile_is_read(two_communities, tmp_path):
    frame = geopandas.GeoDataFrame({"code": ["440104001002"], "name": ["东社区"], "parent": ["440104001"]},
                                   geometry=[EAST_SOUTH_HALF], crs="EPSG:4326")
    frame.to_file(tmp_path / "east.shp")
    archive = tmp_path / "east.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in tmp_path.glob("east.*"):
            if part != archive:
                out.write(part, part.name)
    result = page_import(user=two_communities.gis, path=archive, level="community", parent_field="parent")
    assert result.updated == ["440104001002"] and result.refused == []


@pytest.mark.parametrize("name, content, message", [
    ("east.csv", b"code,name", "Unknown file type"),
    ("east.zip", b"not a zip", "not a readable zip"),
    ("east.geojson", b"{broken", "east.geojson cannot be read as a map file"),
])
def test_unreadable_upload_is_an_error_naming_the_problem(two_communities, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        page_import(user=two_communities.gis, path=path, level="community")


def test_page_dry_run_then_confirm(gridded):
    client = gridded.client
    upload = SimpleUploadedFile("east.geojson", _geojson(("440104001002", "东社区", EAST_SOUTH_HALF)))
    dry = client.post("/gis/import/", {"file": upload, "level": "community", "parent_field": "parent",
                                       "step": "dry_run"})
    assert dry.status_code == 200 and b'data-testid="import-confirm"' in dry.content
    assert _east(gridded).equals(box(113.27, 23.12, 113.28, 23.13))
    done = client.post("/gis/import/", {"step": "confirm"})
    assert done.status_code == 200 and _east(gridded).equals(EAST_SOUTH_HALF)
    again = client.post("/gis/import/", {"step": "confirm"})
    assert again.status_code == 400 and b"dry run again" in again.content


# A 1 km square street (OSM admin_level 8, ref = its code) in Yuexiu; a hospital and a block of 48 flats.
TINY_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <bounds minlat="23.120" minlon="113.260" maxlat="23.140" maxlon="113.280"/>
 <node id="1" lat="23.120" lon="113.260"/><node id="2" lat="23.120" lon="113.270"/>
 <node id="3" lat="23.130" lon="113.270"/><node id="4" lat="23.130" lon="113.260"/>
 <node id="11" lat="23.1221" lon="113.2621"/><node id="12" lat="23.1221" lon="113.2623"/>
 <node id="13" lat="23.1223" lon="113.2623"/><node id="14" lat="23.1223" lon="113.2621"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="8"/><tag k="name" v="示例街道"/><tag k="ref" v="440104099"/></way>
 <way id="102"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
  <tag k="building" v="apartments"/><tag k="building:flats" v="48"/></way>
</osm>"""


@pytest.fixture
def only_district(db):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from gridmgmt.accounts.models import Role
    from gridmgmt.areas.models import District
    from tests.gis.district import make_user
    District.objects.create(code="440104", name="越秀区",
                            boundary=MultiPolygon(Polygon.from_bbox((113.25, 23.11, 113.29, 23.15)), srid=4326))
    return make_user("gis", Role.GIS_EDITOR)


def test_osm_extract_dry_run_lists_the_street_and_writes_nothing(only_district, tmp_path):
    from gridmgmt.areas.models import Building, Street
    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM)
    dry = page_import(user=only_district, path=path, level="street", osm_admin_level=8)
    assert dry.created == ["440104099"] and dry.refused == [] and "buildings" in dry.summary
    assert not Street.objects.exists() and not Building.objects.exists()
    page_import(user=only_district, path=path, level="street", osm_admin_level=8, confirm=True)
    assert Street.objects.get().code == "440104099"


def test_osm_extract_without_the_admin_level_is_refused(only_district, tmp_path):
    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM)
    with pytest.raises(ImportFileError, match="admin_level"):
        page_import(user=only_district, path=path, level="street")


def test_confirmed_file_that_changes_nothing_imports_nothing_and_records_nothing(two_communities, tmp_path):
    from gridmgmt.gis.models import ChangeRecord
    path = tmp_path / "same.geojson"
    path.write_bytes(_geojson(("440104001002", "东社区", box(113.27, 23.12, 113.28, 23.13))))
    result = page_import(user=two_communities.gis, path=path, level="community", parent_field="parent", confirm=True)
    assert (result.unchanged, result.updated) == (["440104001002"], []) and not ChangeRecord.objects.exists()


def test_unknown_crs_is_refused_by_the_page_with_a_400_naming_it(gridded):
    upload = SimpleUploadedFile("east.geojson", _geojson(("440104001002", "东社区", EAST_SOUTH_HALF)))
    response = gridded.client.post("/gis/import/", {"file": upload, "level": "community", "parent_field": "parent",
                                                    "crs": "EPSG:999999", "step": "dry_run"})
    assert response.status_code == 400 and b"EPSG:999999" in response.content
    assert b'data-testid="import-confirm"' not in response.content


def test_unreadable_upload_named_as_uploaded_with_a_plain_reason_in_the_readers_language(gridded):
    for language, reason in (("en", "cannot be read as a map file"), ("zh-hans", "无法作为地图文件读取")):
        upload = SimpleUploadedFile("街道边界.geojson", b"")
        response = gridded.client.post("/gis/import/", {"file": upload, "level": "community", "step": "dry_run"},
                                       HTTP_ACCEPT_LANGUAGE=language)
        text = response.content.decode()
        assert response.status_code == 400 and f"街道边界.geojson {reason}" in text.replace("：", " ")
        # Neither the server's folder and stored name nor GDAL's words reach the page.
        assert "gridmgmt-gis-imports" not in text and "upload.geojson" not in text and "datasource" not in text


def test_missing_field_named_with_the_uploaded_name_not_the_servers_path(gridded):
    upload = SimpleUploadedFile("east.geojson", _geojson(("440104001002", "东社区", EAST_SOUTH_HALF)))
    response = gridded.client.post("/gis/import/", {"file": upload, "level": "community", "code_field": "adcode",
                                                    "step": "dry_run"})
    text = response.content.decode()
    assert response.status_code == 400 and "east.geojson" in text and "adcode" in text
    assert "gridmgmt-gis-imports" not in text and "upload.geojson" not in text


# TINY_OSM plus a block of flats the extract's edge cuts (node 99 lies outside it).
CUT_OSM = TINY_OSM.replace("</osm>", """ <node id="21" lat="23.1291" lon="113.2691"/><node id="22" lat="23.1291" lon="113.2699"/>
 <way id="103"><nd ref="21"/><nd ref="22"/><nd ref="99"/><nd ref="21"/>
  <tag k="building" v="apartments"/><tag k="building:flats" v="12"/></way>
</osm>""")


def test_osm_upload_keeps_buildings_cut_at_the_edge_only_when_ticked(only_district):
    from django.test import Client

    from gridmgmt.areas.models import Building
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(only_district)
    said_left_out = {}
    for ticked in (False, True):
        upload = SimpleUploadedFile("tiny.osm", CUT_OSM.encode())
        form = {"file": upload, "level": "street", "osm_admin_level": "8", "step": "dry_run",
                **({"close_cut_buildings": "on"} if ticked else {})}
        response = client.post("/gis/import/", form)
        text = response.content.decode()
        assert response.status_code == 200 and "tiny.osm" in text and "upload.osm" not in text
        said_left_out[ticked] = "building(s) above cut at the extract&#x27;s edge" in text
        assert client.post("/gis/import/", {"step": "confirm"}).status_code == 200
        households = sorted(Building.objects.values_list("households", flat=True))
        # The block of 48 flats whole; the cut block of 12 flats only when ticked (then kept from its inside part).
        assert households == ([12, 48] if ticked else [48]), households
    assert said_left_out == {False: True, True: False}


@pytest.mark.parametrize("level", ["١٠", "1_0", "ten"])
def test_an_admin_level_that_is_no_whole_number_in_ascii_digits_is_refused_saying_so(only_district, level):
    # int() alone took Arabic-Indic digits and 1_0 as 10.
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(only_district)
    form = {"file": SimpleUploadedFile("tiny.osm", CUT_OSM.encode()), "level": "street", "osm_admin_level": level,
            "step": "dry_run"}
    response = client.post("/gis/import/", form)
    assert response.status_code == 400 and "The OSM admin_level must be a whole number." in response.content.decode()


def test_degrees_imported_with_a_metric_crs_are_refused_as_lying_outside_the_street(two_communities, tmp_path):
    # East's own lon/lat square with the CRS given as EPSG:4547 (metres): read as metres, it became a
    # square centimetre at 109.5°E 0°N, wholly outside its street yet far below the 50 m² area tolerance,
    # and the import replaced east's boundary with it.
    path = tmp_path / "east.geojson"
    path.write_bytes(_geojson(("440104001002", "东社区", box(113.27, 23.12, 113.28, 23.13))))
    result = page_import(user=two_communities.gis, path=path, level="community", parent_field="parent",
                         crs="EPSG:4547", confirm=True)
    assert result.updated == [] and "outside its parent 440104001" in result.refused[0]
    assert _east(two_communities).equals(box(113.27, 23.12, 113.28, 23.13))
    assert BoundaryVersion.objects.filter(code="440104001002").count() == 1


def test_a_tiny_boundary_drawn_far_from_its_street_is_refused_by_the_editor(two_communities):
    from gridmgmt.gis.boundary_edits import boundary_edit_plan
    # 3 m × 3 m (9 m², under the 50 m² tolerance) 10 km east of the street, the neighbour taking the land.
    plan = boundary_edit_plan(level="community", code="440104001002", geometry=box(113.38, 23.12, 113.38003, 23.12003),
                              neighbours_follow=True)
    assert [p.kind for p in plan.problems] == ["outside_parent"]
