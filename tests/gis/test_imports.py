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
    ("east.geojson", b"{broken", "not a readable vector file"),
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
