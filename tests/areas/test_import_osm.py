"""import_osm on real extracts (tests/data/osm) and on tiny hand-written ones, cut as cities cut them.

The case files in tests/data/osm/cases come from the testers' shared cases
(see that folder's README): the right value of each is asserted here.
"""

import bz2
import json
from io import StringIO
from pathlib import Path

import osmium
import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import Building, Community, District, HealthFacility, Road, Street
from gridmgmt.grids.models import Grid

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "osm"
CASES = DATA / "cases"

# Building and road counts measured on the files (data README: 23, 35, 32 buildings).
REAL_FILES = [("West-Oakland.osm.bz2", 23, 17), ("aguascalientes.osm.bz2", 35, 551),
              ("planet_10.068,48.135_10.071,48.137.osm", 32, 4)]


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_osm", str(path), *map(str, args), stdout=out, stderr=out)
    return out.getvalue()


def run_failing(path, *args) -> tuple[str, str]:
    """(printed report, CommandError message) of a run that must fail."""
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_osm", str(path), *map(str, args), stdout=out, stderr=out)
    return out.getvalue(), str(failure.value)


def nothing_written() -> bool:
    return not (Building.objects.exists() or Road.objects.exists() or Street.objects.exists()
                or Community.objects.exists() or District.objects.exists() or HealthFacility.objects.exists())


@pytest.mark.parametrize("name, buildings, roads", REAL_FILES)
def test_real_extract_imports_buildings_and_roads(name, buildings, roads):
    output = run(DATA / name)
    assert f"buildings: {buildings} " in output
    assert Building.objects.filter(source="osm").count() == buildings
    assert Road.objects.count() == roads
    assert all(b.households >= 0 for b in Building.objects.all())
    run(DATA / name)  # again: upserts, no duplicates
    assert Building.objects.filter(source="osm").count() == buildings and Road.objects.count() == roads


def test_pbf_imports_the_same_as_xml(tmp_path):
    # Converted here with pyosmium's writer, the way a city's .osm.pbf would arrive.
    pbf = tmp_path / "oakland.osm.pbf"
    source = osmium.FileProcessor(str(DATA / "West-Oakland.osm.bz2"))
    with osmium.SimpleWriter(str(pbf), header=source.header) as writer:
        for element in source:
            writer.add(element)
    assert "buildings: 23 " in run(pbf)
    xml_households = sorted(Building.objects.values_list("source_id", "households"))
    Building.objects.all().delete()
    run(DATA / "West-Oakland.osm.bz2")
    assert sorted(Building.objects.values_list("source_id", "households")) == xml_households


def test_crash_cut_multipolygon_names_the_relation_and_imports_the_rest(tmp_path):
    # The case file plus one complete building: the cut relation is left out and named, the rest imported.
    text = (CASES / "crash_cut_multipolygon.osm").read_text().replace("</osm>", """
  <node id="50" lat="30.1520" lon="116.0450"/><node id="51" lat="30.1520" lon="116.0452"/>
  <node id="52" lat="30.1522" lon="116.0452"/>
  <way id="60"><nd ref="50"/><nd ref="51"/><nd ref="52"/><nd ref="50"/><tag k="building" v="house"/></way>
</osm>""")
    path = tmp_path / "cut_plus_one.osm"
    path.write_text(text)
    output = run(path)
    assert "relation 100 (building): cut at the extract's edge (way 10 lacks node 4); left out" in output
    assert list(Building.objects.values_list("source_id", flat=True)) == ["way/60"]


def test_crash_cut_multipolygon_alone_exits_non_zero_naming_it():
    output, error = run_failing(CASES / "crash_cut_multipolygon.osm")
    assert "nothing usable in the extract; nothing written" in error
    assert "relation 100 (building)" in output and "Traceback" not in output
    assert nothing_written()


@pytest.fixture
def district_091():
    # shared/cases/osm/district_box.geojson, the district the cut relations lie in.
    outline = Polygon.from_bbox((116.039, 30.149, 116.051, 30.156))
    return District.objects.create(code="091000", name="Town district", boundary=MultiPolygon(outline, srid=4326))


@pytest.fixture
def street_091000001(district_091):
    outline = Polygon.from_bbox((116.039, 30.149, 116.051, 30.156))
    return Street.objects.create(code="091000001", name="Town", district=district_091,
                                 boundary=MultiPolygon(outline, srid=4326))


@pytest.mark.parametrize("name", ["cut_admin_relation.osm", "cut_admin_relation_partial_way.osm"])
def test_cut_admin_relation_is_named_with_why(name, street_091000001):
    output = run(CASES / name, "--community-admin-level", "10", "--code-template", "{parent}{ref:0>3}")
    assert "relation 100 (admin_level 10 boundary): cut at the extract's edge" in output
    assert "--close-cut-boundaries" in output
    assert not Community.objects.exists()
    assert Building.objects.get(source_id="way/30").community is None
    # Said, not left for the grids to miss: the building is in no community, so in no grid.
    assert "in no community, so in no grid until a community boundary covers them: 1 (way/30)" in output


@pytest.mark.parametrize("name", ["cut_admin_relation.osm", "cut_admin_relation_partial_way.osm"])
def test_cut_admin_relation_closed_along_the_extract_edge(name, street_091000001):
    output = run(CASES / name, "--community-admin-level", "10", "--code-template", "{parent}{ref:0>3}",
                 "--close-cut-boundaries")
    community = Community.objects.get(code="091000001001")
    # Closed along the bbox of the extract's nodes (it has no <bounds>): 116.04-116.05 E, 30.15-30.155 N.
    assert community.boundary.extent == pytest.approx((116.04, 30.15, 116.05, 30.155))
    assert "1 repaired" in output
    assert "closed along the extract's edge (1): relation 100 (admin_level 10)" in output
    assert Building.objects.get(source_id="way/30").community == community
    assert "in no community" not in output


def test_complete_admin_imports_district_street_communities_with_a_template(tmp_path):
    output = run(CASES / "complete_admin.osm", "--district-admin-level", "8", "--street-admin-level", "10",
                 "--codes", _codes_csv(tmp_path, "osm_id,code\nrelation/100,091000\n"),
                 "--code-template", "{parent}{ref:0>3}")
    assert "district: 1 created" in output and "street: 2 created" in output
    assert list(Street.objects.values_list("code", "name", "district__code")) == [
        ("091000001", "East", "091000"), ("091000002", "West", "091000")]


@pytest.fixture
def district_box(tmp_path):
    call_command("import_boundaries", str(CASES / "district_box.geojson"), "--level", "district",
                 stdout=StringIO())


def test_complete_admin_refs_of_the_wrong_form_are_refused_with_the_form_expected(district_box):
    output, error = run_failing(CASES / "complete_admin.osm", "--street-admin-level", "8",
                                "--community-admin-level", "10")
    assert "refused relation 100 (code 091, Town): code '091' is not a street code: " \
           "expected 9 digits starting with the district's code 091000" in output
    assert "import refused" in error and "nothing written" in error
    assert not Street.objects.exists() and not Building.objects.exists()


def test_complete_admin_refs_mapped_by_csv_then_grids_codes_hold(tmp_path, district_box):
    codes = _codes_csv(tmp_path, "osm_id,code\nrelation/100,091000001\nrelation/101,091000001001\n"
                                 "relation/102,091000001002\n")
    output = run(CASES / "complete_admin.osm", "--street-admin-level", "8", "--community-admin-level", "10",
                 "--codes", codes)
    assert "code rows matching no boundary" not in output
    assert list(Community.objects.values_list("code", "name", "street__code")) == [
        ("091000001001", "East", "091000001"), ("091000001002", "West", "091000001")]
    # The building (building:flats=12) lies in East.
    building = Building.objects.get(source_id="way/30")
    assert (building.households, building.households_source, building.community.code) == (12, "tag", "091000001001")


def test_code_rows_matching_no_boundary_are_named(tmp_path, district_box):
    # Seen: a row for an element not in the extract was passed over without a word.
    codes = _codes_csv(tmp_path, "osm_id,code\nrelation/100,091000001\nrelation/101,091000001001\n"
                                 "relation/102,091000001002\nrelation/999,091000001009\n")
    output = run(CASES / "complete_admin.osm", "--street-admin-level", "8", "--community-admin-level", "10",
                 "--codes", codes)
    assert "code rows matching no boundary of the imported levels (1): relation/999 -> 091000001009" in output
    assert Community.objects.count() == 2


def test_code_csv_with_a_bad_line_is_refused_naming_it(tmp_path, district_box):
    codes = _codes_csv(tmp_path, "osm_id,code\nrelation/100,091000001\nnode/5,\n")
    _, error = run_failing(CASES / "complete_admin.osm", "--street-admin-level", "8", "--codes", codes)
    assert "codes.csv line 3" in error
    assert not Street.objects.exists()


def test_template_with_an_unknown_field_is_refused():
    _, error = run_failing(CASES / "complete_admin.osm", "--street-admin-level", "8", "--code-template", "{street}")
    assert "--code-template {street}: unknown field 'street'" in error


def _codes_csv(tmp_path, text: str) -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(text)
    return path


# --- households you can trust ---------------------------------------------------------


def _square_building(osm_id: int, lng: float, lat: float, side_deg: float, tags: str) -> str:
    nodes = [(lng, lat), (lng + side_deg, lat), (lng + side_deg, lat + side_deg), (lng, lat + side_deg)]
    ids = [osm_id * 10 + i for i in range(4)]
    xml = "".join(f'<node id="{i}" lat="{y}" lon="{x}"/>' for i, (x, y) in zip(ids, nodes, strict=True))
    refs = "".join(f'<nd ref="{i}"/>' for i in [*ids, ids[0]])
    return f'{xml}<way id="{osm_id}">{refs}{tags}</way>'


def test_implausible_levels_are_reported_and_not_used(tmp_path):
    # R15: a 681 m² house tagged building:levels=2019 gave 15,278 households. Square side for 681 m²
    # near 30.15 N: sqrt(681) = 26.1 m; 1 deg lat = 110,852 m, 1 deg lng = 96,330 m there.
    side = 26.096 / 110_852
    lng_side = 26.096 / 96_330
    nodes = [(116.05, 30.15), (116.05 + lng_side, 30.15), (116.05 + lng_side, 30.15 + side), (116.05, 30.15 + side)]
    xml = "".join(f'<node id="{i}" lat="{y}" lon="{x}"/>' for i, (x, y) in enumerate(nodes, start=1))
    path = tmp_path / "r15.osm"
    path.write_text(f"""<osm version="0.6">{xml}<way id="7"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/>
      <nd ref="1"/><tag k="building" v="house"/><tag k="building:levels" v="2019"/></way></osm>""")
    output = run(path)
    building = Building.objects.get(source_id="way/7")
    # 681 m² × 1 level (the default, the tag set aside) / 90 m² = 7.6 → 8.
    assert building.households == 8
    assert "implausible tags set aside: 1" in output
    assert "way/7: building:levels=2019 above 100: 1 used" in output


def test_household_report_counts_tagged_estimated_largest_and_non_residential(tmp_path):
    step = 0.001
    body = "".join([
        _square_building(1, 113.26, 23.12, 0.0002, '<tag k="building" v="apartments"/><tag k="building:flats" v="30"/>'),
        _square_building(2, 113.26 + step, 23.12, 0.0002, '<tag k="building" v="apartments"/>'
                                                          '<tag k="building:levels" v="6"/>'),
        _square_building(3, 113.26 + 2 * step, 23.12, 0.0002, '<tag k="building" v="office"/>'
                                                              '<tag k="building:levels" v="20"/>'),
        _square_building(4, 113.26 + 3 * step, 23.12, 0.0002, '<tag k="building" v="yes"/><tag k="shop" v="mall"/>'),
        _square_building(5, 113.26 + 4 * step, 23.12, 0.0002, '<tag k="building" v="yes"/>'
                                                              '<tag k="historic" v="monument"/>'),
    ])
    path = tmp_path / "mixed.osm"
    path.write_text(f'<osm version="0.6">{body}</osm>')
    output = run(path)
    households = dict(Building.objects.values_list("source_id", "households"))
    assert households["way/1"] == 30 and households["way/3"] == households["way/4"] == households["way/5"] == 0
    assert "households tagged (building:flats): 30 in 1 buildings" in output
    assert f"households estimated (footprint × levels / dwelling area): {households['way/2']} in 1 buildings" in output
    assert f"largest estimates: way/2 {households['way/2']} (" in output
    assert "non-residential, 0 households: 3 buildings" in output
    assert "building=office: 1 (way/3)" in output
    assert "building=yes + shop=mall: 1 (way/4)" in output
    assert "building=yes + historic=monument: 1 (way/5)" in output


def test_cut_roads_keep_their_inside_part_and_are_counted(tmp_path):
    path = tmp_path / "cut_road.osm"
    path.write_text("""<osm version="0.6">
      <node id="1" lat="30.15" lon="116.04"/><node id="2" lat="30.15" lon="116.05"/>
      <way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way></osm>""")
    output = run(path)
    assert "roads: 1 (1 cut at the extract's edge, inside part kept)" in output
    assert Road.objects.get(osm_id=9).geometry.coords == ((116.04, 30.15), (116.05, 30.15))


# --- bad input ------------------------------------------------------------------------


def test_broken_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "broken.osm.bz2"
    path.write_bytes(bz2.compress(b"<osm><node id='1'")[:-10])
    _, error = run_failing(path)
    assert "broken.osm.bz2" in error
    assert nothing_written()


def test_empty_extract_exits_non_zero(tmp_path):
    path = tmp_path / "empty.osm"
    path.write_text('<osm version="0.6"></osm>')
    output, error = run_failing(path)
    assert "0 nodes, 0 ways, 0 relations" in output and "nothing usable" in error


def test_missing_file_is_refused_naming_it(tmp_path):
    _, error = run_failing(tmp_path / "nowhere.osm.pbf")
    assert "nowhere.osm.pbf" in error


def test_unknown_crs_is_refused():
    _, error = run_failing(DATA / "West-Oakland.osm.bz2", "--crs", "EPSG:999999")
    assert "EPSG:999999" in error
    assert nothing_written()


# A 1 km square street (admin_level 8) holding one community (admin_level 10), a
# hospital node and an apartment block with building:flats=48, in Yuexiu.
TINY = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <bounds minlat="23.120" minlon="113.260" maxlat="23.140" maxlon="113.280"/>
 <node id="1" lat="23.120" lon="113.260"/><node id="2" lat="23.120" lon="113.270"/>
 <node id="3" lat="23.130" lon="113.270"/><node id="4" lat="23.130" lon="113.260"/>
 <node id="5" lat="23.121" lon="113.261"/><node id="6" lat="23.121" lon="113.265"/>
 <node id="7" lat="23.125" lon="113.265"/><node id="8" lat="23.125" lon="113.261"/>
 <node id="11" lat="23.1221" lon="113.2621"/><node id="12" lat="23.1221" lon="113.2623"/>
 <node id="13" lat="23.1223" lon="113.2623"/><node id="14" lat="23.1223" lon="113.2621"/>
 <node id="20" lat="23.124" lon="113.264"><tag k="amenity" v="hospital"/><tag k="name" v="示例医院"/></node>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="8"/><tag k="name" v="示例街道"/><tag k="ref" v="440104099"/></way>
 <way id="101"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="10"/><tag k="name" v="示例社区居委会"/>%s</way>
 <way id="102"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
  <tag k="building" v="apartments"/><tag k="building:flats" v="48"/></way>
</osm>"""


@pytest.fixture
def district():
    outline = Polygon.from_bbox((113.25, 23.11, 113.29, 23.15))
    return District.objects.create(code="440104", name="越秀区", boundary=MultiPolygon(outline, srid=4326))


def test_admin_levels_become_streets_and_communities_with_parents(tmp_path, district):
    path = tmp_path / "tiny.osm.bz2"
    path.write_bytes(bz2.compress((TINY % '<tag k="ref" v="440104099001"/>').encode()))
    run(path, "--street-admin-level", "8", "--community-admin-level", "10")
    community = Community.objects.get(code="440104099001")
    assert community.name == "示例社区" and community.street == Street.objects.get(code="440104099")
    building = Building.objects.get(source_id="way/102")
    assert building.households == 48 and building.community == community and building.footprint is not None
    assert HealthFacility.objects.get(osm_id=20).kind == "hospital"


def test_boundary_without_code_refuses_everything(tmp_path, district):
    path = tmp_path / "tiny.osm"
    path.write_text(TINY % "")
    output, error = run_failing(path, "--street-admin-level", "8", "--community-admin-level", "10")
    assert "nothing written" in error
    assert "refused way 101 (code ?, 示例社区): way 101 has no code" in output
    assert not Street.objects.exists() and not Building.objects.exists() and not HealthFacility.objects.exists()


@pytest.mark.parametrize("lat, lng, reason", [("2558000", "500000", "wrong format for coordinate"),
                                              ("95", "190", "node 1 lies outside the globe: lat 95.0000000, "
                                                            "lon 190.0000000")])
def test_extract_with_coordinates_outside_lon_lat_is_refused_naming_it(tmp_path, lat, lng, reason):
    path = tmp_path / "metres.osm"
    path.write_text(f'<osm version="0.6"><node id="1" lat="{lat}" lon="{lng}"><tag k="building" v="yes"/></node>'
                    '</osm>')
    _, error = run_failing(path)
    assert "metres.osm" in error and reason in error
    assert nothing_written()


def test_complete_admin_with_mapped_codes_then_generate_grids_gives_grid_codes_under_them(tmp_path, district_box):
    # The case's "seen": refs 01/02 stored, then generation refused them ("not 12 digits").
    run(CASES / "complete_admin.osm", "--street-admin-level", "8", "--community-admin-level", "10",
        "--codes", _codes_csv(tmp_path, "ref,code\n091,091000001\n"), "--code-template", "{parent}{ref:0>3}")
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    codes = list(Grid.objects.filter(active=True).values_list("code", "community__code", "households"))
    assert codes and all(code.startswith(community) and len(code) == 14 for code, community, _ in codes)
    assert sum(households for _, _, households in codes) == 12


def test_buildings_layer_says_where_each_household_count_came_from(client):
    run(CASES / "complete_admin.osm")
    body = json.loads(client.get("/api/buildings/").content)
    (feature,) = body["features"]
    assert (feature["properties"]["households"], feature["properties"]["households_source"]) == (12, "tag")
