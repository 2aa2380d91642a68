"""Shapes and tags real extracts have and the shared cases do not: JOSM's negative ids, admin_level written
" 8 " or "8;9", names longer than their field. Extracts written here (hand-made, near 116.04 E, 30.15 N,
inside the district box of tests/data/osm/cases/district_box.geojson)."""

from io import StringIO

import osmium
import pytest
from django.core.management import call_command

from gridmgmt.areas.models import Building, Community, HealthFacility, Road, Street
from tests.areas.test_import_osm import CASES, run, run_failing

pytestmark = pytest.mark.django_db

LEVELS = ("--street-admin-level", 8, "--community-admin-level", 10)


@pytest.fixture
def district_box():
    call_command("import_boundaries", str(CASES / "district_box.geojson"), "--level", "district",
                 stdout=StringIO())


def extract(sign: int = 1, street_level: str = "8", road_name: str = "Main", address: str = "1") -> str:
    """A street and one community on the same square (ways shared), a building, a road and a clinic.

    ``sign=-1`` gives every node, way and relation a negative id, as JOSM saves objects not yet uploaded.
    """
    def i(n: int) -> int:
        return sign * n
    corners = [(1, 30.1500, 116.0400), (2, 30.1500, 116.0500), (3, 30.1550, 116.0500), (4, 30.1550, 116.0400)]
    nodes = "".join(f'<node id="{i(n)}" lat="{lat}" lon="{lon}"/>' for n, lat, lon in corners)
    nodes += "".join(f'<node id="{i(n)}" lat="{lat}" lon="{lon}"/>' for n, lat, lon in [
        (20, 30.1520, 116.0470), (21, 30.1520, 116.0472), (22, 30.1522, 116.0472), (23, 30.1522, 116.0470),
        (30, 30.1510, 116.0400), (31, 30.1510, 116.0500)])
    nodes += f'<node id="{i(40)}" lat="30.1530" lon="116.0430"><tag k="amenity" v="clinic"/></node>'

    def way(n, refs, tags=""):
        return f'<way id="{i(n)}">' + "".join(f'<nd ref="{i(r)}"/>' for r in refs) + tags + "</way>"
    ways = way(10, [1, 2, 3]) + way(11, [3, 4, 1])
    ways += way(12, [20, 21, 22, 23, 20], '<tag k="building" v="apartments"/><tag k="building:flats" v="12"/>'
                f'<tag k="addr:housenumber" v="{address}"/><tag k="addr:street" v="Main"/>')
    ways += way(13, [30, 31], f'<tag k="highway" v="residential"/><tag k="name" v="{road_name}"/>')

    def relation(n, level, code):
        return (f'<relation id="{i(n)}"><member type="way" ref="{i(10)}" role="outer"/>'
                f'<member type="way" ref="{i(11)}" role="outer"/><tag k="type" v="boundary"/>'
                f'<tag k="boundary" v="administrative"/><tag k="admin_level" v="{level}"/>'
                f'<tag k="ref:NBS" v="{code}"/><tag k="name" v="Area {code}"/></relation>')
    relations = relation(100, street_level, "091000001") + relation(101, "10", "091000001001")
    return f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}{relations}</osm>'


def as_pbf(xml_path, pbf_path):
    with osmium.SimpleWriter(str(pbf_path)) as writer:
        for element in osmium.FileProcessor(str(xml_path)):
            writer.add(element)
    return pbf_path


@pytest.mark.parametrize("suffix", [".osm", ".osm.pbf"])
def test_josm_negative_ids_are_imported_like_any_other(tmp_path, district_box, suffix):
    # Before: libosmium's location index takes ids >= 0 only, so the relations' lookup of node -1 was a
    # TypeError traceback, and a building or road on negative nodes had no location at all.
    path = tmp_path / "josm.osm"
    path.write_text(extract(sign=-1))
    if suffix == ".osm.pbf":
        path = as_pbf(path, tmp_path / "josm.osm.pbf")
    output = run(path, *LEVELS)
    assert "Traceback" not in output and "not built" not in output
    assert Community.objects.get().code == "091000001001"
    building = Building.objects.get(source_id="way/-12")
    assert building.households == 12 and building.community.code == "091000001001"
    assert building.footprint.extent == pytest.approx((116.0470, 30.1520, 116.0472, 30.1522))
    assert Road.objects.get().osm_id == -13
    assert HealthFacility.objects.get().osm_id == -40


def test_josm_negative_ids_are_found_by_household_and_code_files(tmp_path, district_box):
    # Before: 'way/-12' in a household CSV and 'relation/-101' in a code CSV matched nothing: each file
    # read an OSM id by isdigit(), which has no minus, though the import keeps JOSM's negative ids.
    path = tmp_path / "josm.osm"
    path.write_text(extract(sign=-1))
    codes = tmp_path / "codes.csv"
    codes.write_text("osm_id,code\nrelation/-101,091000001002\n", encoding="utf-8")
    run(path, *LEVELS, "--codes", codes)
    assert Community.objects.get().code == "091000001002"
    households = tmp_path / "households.csv"
    households.write_text("osm_id,households\nway/-12,20\n", encoding="utf-8")
    out = StringIO()
    call_command("import_households", str(households), stdout=out)
    assert out.getvalue().strip() == "households set for 1 buildings"
    assert Building.objects.get(source_id="way/-12").households == 20


@pytest.mark.parametrize("level", [" 8 ", "08", "8\t"])
def test_admin_level_with_spaces_or_a_leading_zero_is_that_level(tmp_path, district_box, level):
    # Before: compared as a string with "8", the street was left out without a word, and the community
    # refused for want of a parent street.
    path = tmp_path / "level.osm"
    path.write_text(extract(street_level=level))
    run(path, *LEVELS)
    assert Street.objects.get().code == "091000001"
    assert Community.objects.get().street.code == "091000001"


@pytest.mark.parametrize("level", ["8;9", "8.0", "eight", "٨"])
def test_admin_level_that_is_no_one_level_is_named(tmp_path, district_box, level):
    path = tmp_path / "level.osm"
    path.write_text(extract(street_level=level))
    output, error = run_failing(path, *LEVELS)
    assert (f"relation 100 (administrative boundary): admin_level {level!r} is not one level "
            "(a whole number such as 8); left out") in output
    assert "nothing written" in error and not Street.objects.exists() and not Building.objects.exists()


def test_names_and_addresses_longer_than_their_field_are_cut_and_named(tmp_path, district_box):
    # OSM takes 255 characters a tag; an address joins the number, street and city. Before: a
    # "value too long" database error, a traceback, nothing imported.
    path = tmp_path / "long.osm"
    path.write_text(extract(road_name="路" * 200, address="1" * 251))
    output = run(path, *LEVELS)
    assert "way/12 address: 256 characters, the first 255 kept" in output
    assert "way/13 name: 200 characters, the first 128 kept" in output
    assert Building.objects.get().address == ("1" * 251 + " Main")[:255]
    assert Road.objects.get().name == "路" * 128
