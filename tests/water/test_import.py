"""Water bodies from GeoJSON and OSM (the command), linked to the grids they touch (real PostGIS)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gridmgmt.water.models import WaterBody
from gridmgmt.water.patrols import grids_touching

DATA = Path(__file__).resolve().parents[1] / "data" / "water"


def write_geojson(tmp_path, features) -> Path:
    path = tmp_path / "water.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def feature(code, coords, kind="canal", geometry_type="LineString", name="渠"):
    return {"type": "Feature", "properties": {"code": code, "name": name, "kind": kind},
            "geometry": {"type": geometry_type, "coordinates": coords}}


def test_osm_pond_ditch_and_river_read_outside_pond_skipped(areas, capsys):
    call_command("import_water_bodies", str(DATA / "small.osm"))
    bodies = {b.code: (b.kind, b.name, b.geometry.geom_type) for b in WaterBody.objects.all()}
    assert bodies == {"osm:way/100": ("pond", "荷花塘", "Polygon"), "osm:way/101": ("ditch", "一号沟", "LineString"),
                      "osm:way/102": ("river", "东濠涌", "LineString")}
    assert "3 created, 0 updated, 1 outside the district skipped" in capsys.readouterr().out


def test_river_crossing_the_community_seam_touches_its_grid(areas):
    call_command("import_water_bodies", str(DATA / "small.osm"))
    assert grids_touching(WaterBody.objects.get(code="osm:way/102")) == ["44010400100101"]


def test_geojson_loaded_and_reloaded_by_code(areas, tmp_path):
    path = write_geojson(tmp_path, [feature("GZ-1", [[113.261, 23.121], [113.275, 23.125]]),
                                    feature("GZ-2", [[[113.271, 23.121], [113.272, 23.121], [113.272, 23.122],
                                                      [113.271, 23.121]]], kind="pond", geometry_type="Polygon")])
    call_command("import_water_bodies", str(path))
    call_command("import_water_bodies", str(path))
    assert WaterBody.objects.count() == 2 and WaterBody.objects.get(code="GZ-2").kind == "pond"


def test_geojson_body_outside_district_refuses_the_file_by_code(areas, tmp_path):
    path = write_geojson(tmp_path, [feature("GZ-1", [[113.261, 23.121], [113.275, 23.125]]),
                                    feature("FAR-9", [[-71.06, 42.36], [-71.05, 42.36]])])
    with pytest.raises(CommandError, match="outside the district: FAR-9"):
        call_command("import_water_bodies", str(path))
    assert not WaterBody.objects.exists()


def test_geojson_bad_features_named(areas, tmp_path):
    path = write_geojson(tmp_path, [feature("", [[113.261, 23.121], [113.275, 23.125]]),
                                    feature("P-1", [113.261, 23.121], geometry_type="Point"),
                                    feature("K-1", [[113.261, 23.121], [113.275, 23.125]], kind="sea")])
    with pytest.raises(CommandError) as info:
        call_command("import_water_bodies", str(path))
    message = str(info.value)
    assert "3 refused" in message and "no 'code'" in message and "'Point'" in message and "'sea'" in message


@pytest.mark.parametrize(("x", "shown"), [("١١٣.٢٦١", '"١١٣.٢٦١"'), ("113.261", '"113.261"'), (True, "true"),
                                          pytest.param(10**400, "1" + "0" * 39, id="10**400")])
def test_geojson_coordinate_that_is_no_json_number_is_named_and_nothing_stored(areas, tmp_path, x, shown):
    # shape() read coordinates with float(): Arabic-Indic or quoted digits and true were stored as numbers, and
    # 10**400 was an OverflowError traceback. The GIS editor's rule (gridmgmt.numbers.geojson_number_problem).
    path = write_geojson(tmp_path, [feature("GZ-1", [[x, 23.121], [113.275, 23.125]])])
    with pytest.raises(CommandError, match=f"feature 0 .GZ-1.: the coordinate {shown} is not a number"):
        call_command("import_water_bodies", str(path))
    assert not WaterBody.objects.exists()


def test_broken_file_named(areas, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not a GeoJSON FeatureCollection"):
        call_command("import_water_bodies", str(path))


def test_geojson_in_projected_metres_refused_naming_the_range(areas, tmp_path):
    """The R10 kind for water bodies: UTM metres read as degrees would land at latitude 2,558,000."""
    path = write_geojson(tmp_path, [feature("M-1", [[500000, 2558000], [500100, 2558100]])])
    with pytest.raises(CommandError, match="M-1.*outside the longitude/latitude range"):
        call_command("import_water_bodies", str(path))
    assert not WaterBody.objects.exists()


def test_broken_osm_extract_named_not_a_traceback(areas, tmp_path):
    path = tmp_path / "cut.osm"
    path.write_text("<osm version='0.6'><node id='1' lat='23.1'")
    with pytest.raises(CommandError, match="cannot read the OSM extract"):
        call_command("import_water_bodies", str(path))
