"""import_boundaries: formats, CRS, topology refusals, versions. Tiny hand-checkable squares."""

import json
from io import StringIO
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from shapely import from_wkb
from shapely.geometry import box, mapping, shape

from gridmgmt.areas.models import BoundaryVersion, Community, District, Street
from gridmgmt.areas.selectors import boundary_on

pytestmark = pytest.mark.django_db

# A 0.02° × 0.02° district at Yuexiu's latitude (~2 km square), split into two streets.
DISTRICT = box(113.26, 23.12, 113.28, 23.14)
WEST, EAST = box(113.26, 23.12, 113.27, 23.14), box(113.27, 23.12, 113.28, 23.14)


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geom if isinstance(geom, dict) else mapping(geom)}
        for props, geom in features]}))
    return path


def run(*args):
    call_command("import_boundaries", *map(str, args), stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))


@pytest.fixture
def district(tmp_path):
    run(write_geojson(tmp_path / "d.geojson", [({"code": "440199", "name": "测试区"}, DISTRICT)]),
        "--level", "district")
    return District.objects.get(code="440199")


@pytest.fixture
def streets(tmp_path, district):
    path = write_geojson(tmp_path / "s.geojson", [
        ({"code": "440199001", "name": "西街道", "district": "440199"}, WEST),
        ({"code": "440199002", "name": "东街道", "district": "440199"}, EAST)])
    run(path, "--level", "street", "--parent-field", "district", "--valid-from", "2025-01-01")
    return path


def test_streets_are_created_with_version_one(streets):
    assert list(Street.objects.values_list("code", "boundary_version")) == [("440199001", 1), ("440199002", 1)]
    assert BoundaryVersion.objects.filter(level="street", valid_to__isnull=True).count() == 2


@pytest.mark.parametrize("driver, suffix", [("ESRI Shapefile", "shp"), ("GPKG", "gpkg")])
def test_shapefile_and_geopackage_are_read_through_gdal(tmp_path, streets, driver, suffix):
    target = tmp_path / f"streets.{suffix}"
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(streets)], check=True)
    run(target, "--level", "street", "--parent-field", "district")
    assert Street.objects.count() == 2
    assert BoundaryVersion.objects.filter(level="street").count() == 2  # unchanged: no new versions


def test_changed_boundary_creates_a_new_version_and_old_one_stays_queryable(tmp_path, streets):
    moved_west, moved_east = box(113.26, 23.12, 113.272, 23.14), box(113.272, 23.12, 113.28, 23.14)
    path = write_geojson(tmp_path / "s2.geojson", [
        ({"code": "440199001", "name": "西街道", "district": "440199"}, moved_west),
        ({"code": "440199002", "name": "东街道", "district": "440199"}, moved_east)])
    run(path, "--level", "street", "--parent-field", "district", "--valid-from", "2026-01-01")
    west = Street.objects.get(code="440199001")
    assert west.boundary_version == 2
    old = boundary_on(level="street", code="440199001", day=date(2025, 6, 1))
    new = boundary_on(level="street", code="440199001", day=date(2026, 6, 1))
    assert old.version == 1 and new.version == 2
    assert from_wkb(bytes(old.geometry.wkb)).equals(WEST)
    assert from_wkb(bytes(new.geometry.wkb)).equals(moved_west)


def test_gcj02_outline_is_converted_to_wgs84(yuexiu_source):
    gcj = yuexiu_source / "yuexiu_outline_gcj02.json"
    wgs = shape(json.loads((yuexiu_source / "yuexiu_outline_wgs84.geojson").read_text())["features"][0]["geometry"])
    run(gcj, "--level", "district", "--code-field", "adcode", "--crs", "gcj02")
    stored = from_wkb(bytes(District.objects.get(code="440104").boundary.wkb))
    iou = stored.intersection(wgs).area / stored.union(wgs).area
    raw = shape(json.loads(gcj.read_text())["features"][0]["geometry"])
    raw_iou = raw.intersection(wgs).area / raw.union(wgs).area
    assert iou >= 0.99 and raw_iou < 0.8  # data README: 0.993 converted, 0.716 as is


def refused(path, *args) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("import_boundaries", str(path), *args, stdout=open("/dev/null", "w"),
                     stderr=(err := _Capture()))
    return str(excinfo.value) + err.text


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_overlapping_siblings_are_refused_and_nothing_is_written(tmp_path, streets):
    path = write_geojson(tmp_path / "c.geojson", [
        ({"code": "440199001001", "name": "甲社区", "street": "440199001"}, box(113.26, 23.12, 113.27, 23.131)),
        ({"code": "440199001002", "name": "乙社区", "street": "440199001"}, box(113.26, 23.129, 113.27, 23.14))])
    message = refused(path, "--level", "community", "--parent-field", "street")
    assert "overlaps sibling 440199001002" in message and "nothing written" in message
    assert not Community.objects.exists() and not BoundaryVersion.objects.filter(level="community").exists()


def test_community_outside_its_street_is_refused(tmp_path, streets):
    path = write_geojson(tmp_path / "c.geojson", [
        ({"code": "440199001001", "name": "甲社区", "street": "440199001"}, box(113.265, 23.12, 113.275, 23.13))])
    message = refused(path, "--level", "community", "--parent-field", "street")
    assert "outside its parent 440199001" in message
    assert not Community.objects.exists()


def test_one_bad_feature_refuses_the_whole_file(tmp_path, streets):
    zero_area = {"type": "Polygon", "coordinates": [[[113.26, 23.12], [113.27, 23.13], [113.26, 23.12], [113.26, 23.12]]]}
    path = write_geojson(tmp_path / "c.geojson", [
        ({"code": "440199001001", "name": "甲社区", "street": "440199001"}, box(113.26, 23.12, 113.27, 23.13)),
        ({"code": "440199001002", "name": "乙社区", "street": "440199001"}, zero_area)])
    message = refused(path, "--level", "community", "--parent-field", "street")
    assert "feature #2 (code 440199001002, 乙社区)" in message
    assert not Community.objects.exists()


def test_self_intersecting_polygon_is_repaired(tmp_path, streets):
    bowtie = {"type": "Polygon", "coordinates": [[[113.26, 23.12], [113.27, 23.13], [113.27, 23.12], [113.26, 23.13], [113.26, 23.12]]]}
    path = write_geojson(tmp_path / "c.geojson", [({"code": "440199001001", "name": "甲社区", "street": "440199001"}, bowtie)])
    run(path, "--level", "community", "--parent-field", "street")
    community = Community.objects.get(code="440199001001")
    assert community.boundary.valid and len(community.boundary) == 2


def test_new_version_cannot_start_before_the_current_one(tmp_path, streets):
    path = write_geojson(tmp_path / "s2.geojson", [
        ({"code": "440199001", "name": "西街道", "district": "440199"}, box(113.26, 23.12, 113.271, 23.14))])
    message = refused(path, "--level", "street", "--parent-field", "district", "--valid-from", "2024-01-01")
    assert "before the current version's start 2025-01-01" in message
    assert Street.objects.get(code="440199001").boundary_version == 1


def test_missing_field_is_named(tmp_path, district):
    path = write_geojson(tmp_path / "s.geojson", [({"code": "440199001", "name": "西街道"}, WEST)])
    message = refused(path, "--level", "street", "--parent-field", "district")
    assert "the parent field 'district' is not in the file" in message


def test_unknown_crs_is_named(tmp_path, district):
    path = write_geojson(tmp_path / "s.geojson", [({"code": "440199001", "name": "西街道"}, WEST)])
    assert "EPSG:123456" in refused(path, "--level", "street", "--parent", "440199", "--crs", "EPSG:123456")
    assert not Street.objects.exists()


def test_missing_parent_is_refused(tmp_path, district):
    path = write_geojson(tmp_path / "s.geojson", [({"code": "440199001", "name": "西街道"}, WEST)])
    assert "parent district '440100' does not exist" in refused(path, "--level", "street", "--parent", "440100")


def test_broken_file_is_refused(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    assert "not a readable vector file" in refused(path, "--level", "district")


# R10: a district drawn in UTM zone 49N metres (x≈500000, y≈2558000), saved as GeoJSON without a crs member.
METRES = box(500000, 2558000, 502000, 2560000)


def test_projected_coordinates_without_a_crs_are_refused_suggesting_crs(tmp_path):
    path = write_geojson(tmp_path / "metres.geojson", [({"code": "440199", "name": "测试区"}, METRES)])
    with pytest.raises(CommandError) as refused:
        run(path, "--level", "district")
    message = str(refused.value)
    assert "feature #1 (code 440199, 测试区): coordinates x 500000…502000, y 2.558e+06…2.56e+06" in message
    assert "outside the longitude/latitude range" in message
    assert "read as WGS84 degrees, the file's CRS or GeoJSON's default when it declares none: " \
           "give the CRS of its coordinates with --crs" in message
    assert not District.objects.exists() and not BoundaryVersion.objects.exists()


def test_projected_coordinates_with_their_crs_are_converted(tmp_path):
    path = write_geojson(tmp_path / "metres.geojson", [({"code": "440199", "name": "测试区"}, METRES)])
    run(path, "--level", "district", "--crs", "EPSG:32649")
    min_lng, min_lat, max_lng, max_lat = District.objects.get(code="440199").boundary.extent
    # UTM 49N: x=500000 is the central meridian 111 E; y=2558000 m is about 23.13 N.
    assert min_lng == pytest.approx(111.0, abs=1e-6) and 23.1 < min_lat < max_lat < 23.2


def test_projected_coordinates_under_a_wrong_crs_are_refused_naming_it(tmp_path):
    path = write_geojson(tmp_path / "metres.geojson", [({"code": "440199", "name": "测试区"}, METRES)])
    with pytest.raises(CommandError, match="the CRS given with --crs does not fit the coordinates"):
        run(path, "--level", "district", "--crs", "EPSG:4490")
    assert not District.objects.exists()


def test_codes_of_the_wrong_form_are_refused_naming_each_feature_and_the_form(tmp_path, streets):
    path = write_geojson(tmp_path / "c.geojson", [
        ({"code": "01", "name": "东社区", "street": "440199002"}, box(113.27, 23.12, 113.28, 23.13)),
        ({"code": "440199001002", "name": "错社区", "street": "440199002"}, box(113.27, 23.13, 113.28, 23.14)),
        ({"code": "440199002003", "name": "好社区", "street": "440199002"}, box(113.275, 23.125, 113.276, 23.126))])
    out = StringIO()
    with pytest.raises(CommandError, match="import refused, nothing written: community: 0 created"):
        call_command("import_boundaries", str(path), "--level", "community", "--parent-field", "street",
                     stdout=out, stderr=out)
    refused = out.getvalue()
    assert "feature #1 (code 01, 东社区): code '01' is not a community code: expected 12 digits starting " \
           "with the street's code 440199002" in refused
    assert "feature #2 (code 440199001002, 错社区): code '440199001002' does not start with its street's code " \
           "440199002" in refused
    assert "feature #3" not in refused and not Community.objects.exists()


@pytest.mark.parametrize("day", ["20250101", "2025-W01-3", "2025-02-30"])
def test_valid_from_not_a_day_in_yyyy_mm_dd_is_refused_naming_the_option(tmp_path, district, day):
    # date.fromisoformat alone took the compact and the week forms (Python 3.11).
    path = write_geojson(tmp_path / "s.geojson", [({"code": "440199001", "name": "西街道", "district": "440199"},
                                                   WEST)])
    message = refused(path, "--level", "street", "--parent-field", "district", "--valid-from", day)
    assert "--valid-from" in message and "YYYY-MM-DD" in message and day in message
    assert not Street.objects.exists()
