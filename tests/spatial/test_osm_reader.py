"""Tests for spatial.osm_reader on real OSM extracts (tests/data/osm) and tiny hand-written files."""

import bz2
from dataclasses import dataclass
from pathlib import Path

import osmium
import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from spatial.osm_households import (
    DWELLING_BUILDING_VALUES,
    building_households,
    non_residential_reason,
)
from spatial.osm_reader import (
    DEFAULT_ROAD_TYPES,
    OsmReadError,
    osm_extract_area,
    read_admin_boundaries,
    read_extract,
    read_buildings,
    read_health_pois,
    read_roads,
    read_waterways_and_railways,
)

OSM_DIR = Path(__file__).resolve().parents[1] / "data" / "osm"

WEST_OAKLAND = "West-Oakland.osm.bz2"
AGUASCALIENTES = "aguascalientes.osm.bz2"
KIRCHBERG = "planet_10.068,48.135_10.071,48.137.osm"

# Buildings: the data README's counts, checked by hand against the XML. In
# the Kirchberg file 34 elements carry a building tag, but way 275490779 has
# a single node and relation 318560's member ways are not in the extract, so
# neither has a geometry.
EXPECTED_BUILDINGS = {WEST_OAKLAND: 23, AGUASCALIENTES: 35, KIRCHBERG: 32}
# Roads and roads touching <bounds>: measured on the files with this reader.
# The extracts carry complete ways (and in Aguascalientes whole relations), so
# roads run past <bounds>, and 77 Aguascalientes roads lie wholly outside it.
EXPECTED_ROADS = {WEST_OAKLAND: 17, AGUASCALIENTES: 551, KIRCHBERG: 4}
EXPECTED_ROADS_TOUCHING_BOUNDS = {WEST_OAKLAND: 17, AGUASCALIENTES: 474, KIRCHBERG: 4}
# Measured: one railway=rail line and five waterway=stream ways.
EXPECTED_BARRIERS = {WEST_OAKLAND: 0, AGUASCALIENTES: 6, KIRCHBERG: 0}

DWELLING_AREA_M2 = 90.0

# 20 m in degrees near Guangzhou (lat 23.13): 1 deg lat = 110,760 m there and
# 1 deg lng = 111,320 m * cos(23.13 deg) = 102,414 m.
SIDE_20M_LAT_DEG = 20 / 110_760
SIDE_20M_LNG_DEG = 20 / 102_414
GUANGZHOU_LNG, GUANGZHOU_LAT = 113.2644, 23.1291


@dataclass(frozen=True)
class ParsedExtract:
    name: str
    buildings: list
    roads: list
    barriers: list
    health_pois: list
    area: Polygon


@pytest.fixture(scope="module", params=sorted(EXPECTED_BUILDINGS))
def extract(request) -> ParsedExtract:
    # Parsed once per file for the whole module: osmnx parsing dominates the run time.
    path = OSM_DIR / request.param
    return ParsedExtract(
        name=request.param,
        buildings=read_buildings(path, dwelling_area_m2=DWELLING_AREA_M2),
        roads=read_roads(path),
        barriers=read_waterways_and_railways(path),
        health_pois=read_health_pois(path),
        area=osm_extract_area(path),
    )


class TinyOsm:
    """Writes a small OSM XML file, numbering nodes itself."""

    def __init__(self) -> None:
        self._nodes: list[str] = []
        self._elements: list[str] = []
        self._next_node_id = 1

    def node(self, lng: float, lat: float, **tags: str) -> int:
        node_id = self._next_node_id
        self._next_node_id += 1
        self._nodes.append(
            f'<node id="{node_id}" lat="{lat}" lon="{lng}">{_tag_xml(tags)}</node>'
        )
        return node_id

    def way(
        self, way_id: int, coords: list[tuple[float, float]], closed: bool, **tags: str
    ) -> None:
        node_ids = [self.node(lng, lat) for lng, lat in coords]
        if closed:
            node_ids.append(node_ids[0])
        refs = "".join(f'<nd ref="{node_id}"/>' for node_id in node_ids)
        self._elements.append(f'<way id="{way_id}">{refs}{_tag_xml(tags)}</way>')

    def square(self, way_id: int, lng: float, lat: float, **tags: str) -> Polygon:
        """A closed way, 20 m x 20 m (400 m2), south-west corner at (lng, lat)."""
        coords = [
            (lng, lat),
            (lng + SIDE_20M_LNG_DEG, lat),
            (lng + SIDE_20M_LNG_DEG, lat + SIDE_20M_LAT_DEG),
            (lng, lat + SIDE_20M_LAT_DEG),
        ]
        self.way(way_id, coords, closed=True, **tags)
        return Polygon(coords)

    def relation(self, relation_id: int, outer_way_ids: list[int], **tags: str) -> None:
        members = "".join(
            f'<member type="way" ref="{way_id}" role="outer"/>' for way_id in outer_way_ids
        )
        self._elements.append(f'<relation id="{relation_id}">{members}{_tag_xml(tags)}</relation>')

    def xml(self) -> str:
        body = "\n".join(self._nodes + self._elements)
        return f"<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n{body}\n</osm>\n"

    def write(self, path: Path) -> Path:
        data = self.xml().encode("utf-8")
        path.write_bytes(bz2.compress(data) if path.suffix == ".bz2" else data)
        return path


def _tag_xml(tags: dict[str, str]) -> str:
    # Tag keys like building:flats are not Python names; "__" stands for ":".
    return "".join(
        f'<tag k="{key.replace("__", ":")}" v="{value}"/>' for key, value in tags.items()
    )


def _by_id(items: list) -> dict:
    return {item.osm_id: item for item in items}


# --- the shared real extracts ---------------------------------------------------------


def test_building_count(extract):
    assert len(extract.buildings) == EXPECTED_BUILDINGS[extract.name]


def test_building_footprints_are_polygons_with_positive_area(extract):
    for building in extract.buildings:
        assert isinstance(building.geometry, Polygon | MultiPolygon)
        assert building.footprint_area_m2 > 0


def test_households_follow_the_estimate_rule(extract):
    # No building in these files has building:flats, so all are estimates.
    for building in extract.buildings:
        assert isinstance(building.households, int) and building.households >= 0
        assert building.households_source == "estimate"
        assert building.levels >= 1
    dwellings = [b for b in extract.buildings if b.building in {"yes", "house", "mixed_use"}]
    assert dwellings, "each file has buildings counted as dwellings"


def test_households_match_footprint_times_levels_over_dwelling_area(extract):
    for building in extract.buildings:
        if building.households == 0:
            # Only a non-dwelling value, or building=yes with a use tag, gives 0.
            assert building.building not in DWELLING_BUILDING_VALUES, building
            continue
        expected = max(1, round(building.footprint_area_m2 * building.levels / DWELLING_AREA_M2))
        assert building.households == expected, building


def test_non_dwelling_buildings_have_no_households(extract):
    for building in extract.buildings:
        if building.building in {"retail", "church"}:
            assert building.households == 0


def test_building_levels_tag_is_used():
    buildings = _by_id(read_buildings(OSM_DIR / WEST_OAKLAND))
    # Way 52538639: building=yes, building:levels=5, amenity=post_office.
    assert buildings[52538639].levels == 5
    assert buildings[52538639].households == 0


def test_roads_are_linestrings_of_the_default_types(extract):
    assert len(extract.roads) == EXPECTED_ROADS[extract.name]
    for road in extract.roads:
        assert isinstance(road.geometry, LineString) and not road.geometry.is_empty
        assert road.highway in DEFAULT_ROAD_TYPES


def test_roads_lie_in_the_extract_area(extract):
    touching = [road for road in extract.roads if road.geometry.intersects(extract.area)]
    assert len(touching) == EXPECTED_ROADS_TOUCHING_BOUNDS[extract.name]


def test_roads_are_one_record_per_way(extract):
    osm_ids = [road.osm_id for road in extract.roads]
    assert len(osm_ids) == len(set(osm_ids))


def test_waterways_and_railways(extract):
    assert len(extract.barriers) == EXPECTED_BARRIERS[extract.name]
    for barrier in extract.barriers:
        assert barrier.key in {"waterway", "railway"}
        assert isinstance(barrier.geometry, LineString)


def test_no_health_pois_in_the_shared_extracts(extract):
    # Checked with grep: none of the three has amenity=hospital etc. or healthcare=*.
    assert extract.health_pois == []


def test_extract_area_is_the_bounds_element():
    area = osm_extract_area(OSM_DIR / KIRCHBERG)
    assert area.equals(box(10.068, 48.135, 10.071, 48.137))


# --- tiny hand-written files: households --------------------------------------------


@pytest.fixture()
def tiny_buildings(tmp_path):
    osm = TinyOsm()
    lng, lat = GUANGZHOU_LNG, GUANGZHOU_LAT
    step = 0.001
    osm.square(1, lng, lat, building="apartments", building__flats="48")
    osm.square(2, lng + step, lat, building="apartments", building__levels="3")
    osm.square(3, lng + 2 * step, lat, building="commercial", building__levels="3")
    osm.square(4, lng + 3 * step, lat, building="yes", shop="supermarket")
    osm.square(5, lng + 4 * step, lat, building="yes", building__flats="10-12")
    osm.square(6, lng + 5 * step, lat, building="retail", building__flats="6")
    osm.square(7, lng + 6 * step, lat, building="no")
    osm.square(8, lng + 7 * step, lat, building="house", addr__flats="1-12")
    osm.node(lng, lat + step, building="house", addr__housenumber="12", addr__street="中山四路")
    return _by_id(read_buildings(osm.write(tmp_path / "tiny.osm")))


def test_building_flats_tag_gives_households(tiny_buildings):
    assert tiny_buildings[1].households == 48
    assert tiny_buildings[1].households_source == "tag"


def test_estimate_is_area_times_levels_over_dwelling_area(tiny_buildings):
    # 400 m2 x 3 levels / 90 m2 = 13.3 -> 13.
    assert tiny_buildings[2].footprint_area_m2 == pytest.approx(400, rel=0.005)
    assert (tiny_buildings[2].households, tiny_buildings[2].households_source) == (13, "estimate")


def test_commercial_building_has_no_households(tiny_buildings):
    assert tiny_buildings[3].households == 0


def test_building_yes_with_shop_has_no_households(tiny_buildings):
    assert tiny_buildings[4].households == 0


def test_flats_range_is_not_a_count_and_falls_back_to_estimate(tiny_buildings):
    # 400 m2 x 1 level / 90 m2 = 4.4 -> 4.
    assert (tiny_buildings[5].households, tiny_buildings[5].households_source) == (4, "estimate")


def test_flats_tag_wins_on_a_non_dwelling_building(tiny_buildings):
    assert (tiny_buildings[6].households, tiny_buildings[6].households_source) == (6, "tag")


def test_building_no_is_not_a_building(tiny_buildings):
    assert 7 not in tiny_buildings


def test_addr_flats_is_ignored(tiny_buildings):
    assert (tiny_buildings[8].households, tiny_buildings[8].households_source) == (4, "estimate")


def test_point_building_gets_one_household_and_its_address(tiny_buildings):
    (point_building,) = [b for b in tiny_buildings.values() if isinstance(b.geometry, Point)]
    assert (point_building.households, point_building.footprint_area_m2) == (1, 0.0)
    assert point_building.address == "12 中山四路"


def test_dwelling_rule_on_tags():
    assert non_residential_reason({"building": "yes"}) is None
    assert non_residential_reason({"building": "yes", "amenity": "school"}) == "building=yes + amenity=school"
    assert non_residential_reason({"building": "hotel"}) == "building=hotel"


@pytest.mark.parametrize("kwargs", [{"dwelling_area_m2": 0}, {"default_levels": 0}])
def test_read_buildings_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        read_buildings(OSM_DIR / KIRCHBERG, **kwargs)


# --- tiny hand-written files: boundaries, roads, health ----------------------------------


def test_admin_boundaries_from_closed_way_and_relation(tmp_path):
    osm = TinyOsm()
    lng, lat = GUANGZHOU_LNG, GUANGZHOU_LAT
    community = osm.square(
        10, lng, lat, boundary="administrative", admin_level="10", name="三眼井社区", ref="440104001007"
    )
    # A street drawn as a relation of two open ways that close a ring.
    osm.way(21, [(lng, lat), (lng + 0.01, lat), (lng + 0.01, lat + 0.01)], closed=False)
    osm.way(22, [(lng + 0.01, lat + 0.01), (lng, lat + 0.01), (lng, lat)], closed=False)
    osm.relation(
        30, [21, 22], type="boundary", boundary="administrative", admin_level="8", name="洪桥街道"
    )
    osm.square(40, lng + 0.1, lat, boundary="administrative", admin_level="6", name="越秀区")
    unclosed = [(lng, lat), (lng + 0.02, lat)]
    osm.way(50, unclosed, closed=False, boundary="administrative", admin_level="10")
    path = osm.write(tmp_path / "admin.osm")

    boundaries = _by_id(read_admin_boundaries(path, [8, 10]))

    assert set(boundaries) == {10, 30}
    way_boundary = boundaries[10]
    assert (way_boundary.osm_type, way_boundary.name, way_boundary.admin_level, way_boundary.codes) == (
        "way", "三眼井社区", 10, {"ref": "440104001007"})
    # libosmium keeps coordinates as OSM does, in units of 1e-7 degree.
    assert way_boundary.geometry.normalize().equals_exact(MultiPolygon([community]).normalize(), 1e-7)
    street = boundaries[30]
    assert (street.osm_type, street.name, street.admin_level) == ("relation", "洪桥街道", 8)
    expected = MultiPolygon([box(lng, lat, lng + 0.01, lat + 0.01)])
    assert street.geometry.normalize().equals_exact(expected.normalize(), 1e-7)


def test_no_admin_boundaries_in_shared_extract():
    assert read_admin_boundaries(OSM_DIR / WEST_OAKLAND, [8, 10]) == []


def test_roads_filter_types_tunnels_and_areas(tmp_path):
    osm = TinyOsm()
    lng, lat = GUANGZHOU_LNG, GUANGZHOU_LAT
    osm.way(1, [(lng, lat), (lng + 0.01, lat)], closed=False, highway="residential", name="文德路")
    osm.way(2, [(lng, lat), (lng, lat + 0.01)], closed=False, highway="footway")
    osm.way(3, [(lng, lat), (lng - 0.01, lat)], closed=False, highway="primary", tunnel="yes")
    osm.way(4, [(lng, lat), (lng, lat - 0.01)], closed=False, highway="service")
    osm.square(5, lng + 0.02, lat, highway="pedestrian", area="yes")
    path = osm.write(tmp_path / "roads.osm")

    roads = read_roads(path)
    assert [(road.osm_id, road.name, road.highway) for road in roads] == [(1, "文德路", "residential")]
    with_service = read_roads(path, highway_types=DEFAULT_ROAD_TYPES | {"service"})
    assert {road.osm_id for road in with_service} == {1, 4}


def test_health_pois_nodes_and_areas(tmp_path):
    osm = TinyOsm()
    lng, lat = GUANGZHOU_LNG, GUANGZHOU_LAT
    osm.node(lng, lat, amenity="pharmacy", name="大药房")
    osm.node(lng + 0.001, lat, healthcare="laboratory")
    osm.node(lng + 0.002, lat, amenity="cafe")
    hospital = osm.square(
        100, lng, lat + 0.001, amenity="hospital", healthcare="hospital", name="医院"
    )
    path = osm.write(tmp_path / "health.osm")

    pois = read_health_pois(path)

    assert sorted((poi.osm_type, poi.kind, poi.name) for poi in pois) == [
        ("node", "laboratory", None),
        ("node", "pharmacy", "大药房"),
        ("way", "hospital", "医院"),
    ]
    (hospital_poi,) = [poi for poi in pois if poi.osm_type == "way"]
    assert hospital.contains(hospital_poi.geometry)


def test_extract_area_without_bounds_is_the_node_hull(tmp_path):
    osm = TinyOsm()
    for lng, lat in [(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5)]:
        osm.node(lng, lat)
    assert osm_extract_area(osm.write(tmp_path / "hull.osm")).equals(box(0, 0, 1, 1))


def test_malformed_bounds_raises_osm_read_error(tmp_path):
    path = tmp_path / "bad_bounds.osm"
    path.write_text('<osm version="0.6"><bounds minlat="x"/></osm>', encoding="utf-8")
    with pytest.raises(OsmReadError, match="bad_bounds.osm.*coordinate"):
        osm_extract_area(path)


def test_bz2_tiny_file_reads_like_plain(tmp_path):
    osm = TinyOsm()
    osm.square(1, GUANGZHOU_LNG, GUANGZHOU_LAT, building="house")
    plain = read_buildings(osm.write(tmp_path / "b.osm"))
    compressed = read_buildings(osm.write(tmp_path / "b.osm.bz2"))
    assert plain == compressed and len(plain) == 1


def test_valid_file_without_features_gives_empty_lists(tmp_path):
    path = TinyOsm().write(tmp_path / "empty.osm")
    assert read_buildings(path) == read_roads(path) == read_health_pois(path) == []


# --- broken files ---------------------------------------------------------------------


def _broken_files(tmp_path: Path) -> dict[str, Path]:
    not_xml = tmp_path / "not_xml.osm"
    not_xml.write_text("this is not XML", encoding="utf-8")
    not_osm = tmp_path / "page.osm"
    not_osm.write_text("<html><body>Too many requests</body></html>", encoding="utf-8")
    truncated = tmp_path / "truncated.osm.bz2"
    truncated.write_bytes((OSM_DIR / WEST_OAKLAND).read_bytes()[:2000])
    corrupt = tmp_path / "corrupt.osm.bz2"
    corrupt.write_bytes(b"BZh9" + b"\x00" * 100)
    return {
        "missing": tmp_path / "missing.osm",
        "not XML": not_xml,
        "not OSM": not_osm,
        "truncated bz2": truncated,
        "corrupt bz2": corrupt,
    }


@pytest.mark.parametrize("kind", ["missing", "not XML", "not OSM", "truncated bz2", "corrupt bz2"])
@pytest.mark.parametrize(
    "reader",
    [read_buildings, read_roads, read_health_pois, read_waterways_and_railways, osm_extract_area],
)
def test_broken_file_raises_osm_read_error_naming_the_file(tmp_path, kind, reader):
    path = _broken_files(tmp_path)[kind]
    with pytest.raises(OsmReadError, match=path.name.replace(".", r"\.")):
        reader(path)


def test_broken_file_in_admin_boundaries(tmp_path):
    with pytest.raises(OsmReadError, match="not_xml"):
        read_admin_boundaries(_broken_files(tmp_path)["not XML"], [8])


# --- one pass, PBF, and extracts cut at their edge ------------------------------------

SUBURB = "suburb-finland.osm.bz2"
CASES = OSM_DIR / "cases"


def test_the_file_is_read_in_one_pass(monkeypatch):
    passes = []
    original = osmium.FileProcessor.__iter__

    def counting(self):
        passes.append(1)
        return original(self)

    monkeypatch.setattr(osmium.FileProcessor, "__iter__", counting)
    extract = read_extract(OSM_DIR / KIRCHBERG, admin_levels=[8, 10])
    assert len(passes) == 1 and len(extract.buildings) == 32


def test_pbf_reads_like_xml(tmp_path):
    pbf = tmp_path / "oakland.osm.pbf"
    source = osmium.FileProcessor(str(OSM_DIR / WEST_OAKLAND))
    with osmium.SimpleWriter(str(pbf), header=source.header) as writer:
        for element in source:
            writer.add(element)
    from_xml, from_pbf = read_extract(OSM_DIR / WEST_OAKLAND), read_extract(pbf)
    assert from_pbf.roads == from_xml.roads

    def key(b):
        return b.osm_type, b.osm_id, b.households, b.geometry.wkb

    assert [key(b) for b in from_pbf.buildings] == [key(b) for b in from_xml.buildings]
    # The converted file keeps the <bounds> as its header box (to 1e-7 degree, which moves the
    # projection centre for the areas by as much).
    assert from_pbf.area_source == "bounds"
    assert from_pbf.area.bounds == pytest.approx(from_xml.area.bounds, abs=1e-7)


def test_suburb_cut_at_its_edge_keeps_cut_roads_and_names_what_it_cannot_build():
    # Measured on the file: it has no <bounds>; 2,219 closed building ways, 48 of them lacking nodes past the
    # edge; 161 roads of the default types, 25 of them cut (inside part kept) and 3 with a single node left.
    extract = read_extract(OSM_DIR / SUBURB)
    assert extract.area_source == "nodes"
    assert extract.area.bounds == pytest.approx((26.9300016, 60.5200026, 26.9699986, 60.5399913))
    assert (extract.nodes, extract.ways, len(extract.buildings)) == (14222, 2653, 2171)
    assert len(extract.roads) == 161 and sum(road.cut for road in extract.roads) == 25
    cut_buildings = [p for p in extract.problems if p.feature == "building"]
    assert len(cut_buildings) == 48
    assert all("not in the extract (cut at its edge); ring cannot be built" in p.reason for p in cut_buildings)
    assert len([p for p in extract.problems if p.feature == "road"]) == 3
    for road in extract.roads:
        assert road.geometry.length > 0


def test_way_leaving_and_re_entering_keeps_both_inside_parts(tmp_path):
    path = tmp_path / "reentering.osm"
    path.write_text("""<osm version="0.6">
      <node id="1" lat="30.15" lon="116.04"/><node id="2" lat="30.15" lon="116.05"/>
      <node id="4" lat="30.16" lon="116.05"/><node id="5" lat="30.16" lon="116.04"/>
      <way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/>
        <tag k="highway" v="primary"/></way></osm>""")
    (road,) = read_roads(path)
    assert road.cut and road.geometry.geom_type == "MultiLineString"
    assert [list(part.coords) for part in road.geometry.geoms] == [
        [(116.04, 30.15), (116.05, 30.15)], [(116.05, 30.16), (116.04, 30.16)]]


def test_crash_cut_multipolygon_is_named_not_raised():
    extract = read_extract(CASES / "crash_cut_multipolygon.osm")
    assert extract.buildings == []
    assert [str(p) for p in extract.problems] == [
        "relation 100 (building): cut at the extract's edge (way 10 lacks node 4); left out"]


@pytest.mark.parametrize("name, missing", [("cut_admin_relation.osm", "member way 11 is not in the extract"),
                                           ("cut_admin_relation_partial_way.osm", "way 11 lacks node 99")])
def test_cut_admin_relation_is_named_or_closed_along_the_edge(name, missing):
    left_out = read_extract(CASES / name, admin_levels=[10])
    assert left_out.boundaries == []
    (problem,) = left_out.problems
    assert (problem.osm_type, problem.osm_id, problem.feature) == ("relation", 100, "admin_level 10 boundary")
    assert f"cut at the extract's edge ({missing})" in problem.reason

    closed = read_extract(CASES / name, admin_levels=[10], close_cut_boundaries=True)
    (boundary,) = closed.boundaries
    assert boundary.closed_along_edge and closed.problems == []
    # Way 10 runs along two sides of the nodes' bounding box; closing along the other two gives the box.
    assert boundary.geometry.equals(MultiPolygon([box(116.04, 30.15, 116.05, 30.155)]))


def _chord_extract(tmp_path, with_label: bool) -> Path:
    # <bounds> 0..1 × 0..1; a boundary of which only a chord x=0.6 is present, the rest past the edge.
    label = '<member type="node" ref="9" role="label"/>' if with_label else ""
    path = tmp_path / "chord.osm"
    path.write_text(f"""<osm version="0.6"><bounds minlat="0" minlon="0" maxlat="1" maxlon="1"/>
      <node id="1" lat="0.0" lon="0.6"/><node id="2" lat="1.0" lon="0.6"/><node id="9" lat="0.5" lon="0.8"/>
      <way id="10"><nd ref="1"/><nd ref="2"/></way>
      <relation id="100"><member type="way" ref="10" role="outer"/><member type="way" ref="11" role="outer"/>{label}
        <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="8"/></relation>
    </osm>""")
    return path


def test_cut_boundary_closed_on_the_side_of_its_label_node(tmp_path):
    (boundary,) = read_extract(_chord_extract(tmp_path, True), admin_levels=[8], close_cut_boundaries=True).boundaries
    assert boundary.geometry.equals(MultiPolygon([box(0.6, 0, 1, 1)]))


def test_cut_boundary_with_two_sides_and_no_label_is_named_as_ambiguous(tmp_path):
    extract = read_extract(_chord_extract(tmp_path, False), admin_levels=[8], close_cut_boundaries=True)
    assert extract.boundaries == []
    assert "gives 2 faces and no label or admin_centre node tells which are inside" in extract.problems[0].reason


def test_relation_with_an_inner_ring_is_the_outer_less_the_inner(tmp_path):
    path = tmp_path / "courtyard.osm"
    path.write_text("""<osm version="0.6">
      <node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="0.001"/><node id="3" lat="0.001" lon="0.001"/>
      <node id="4" lat="0.001" lon="0"/><node id="5" lat="0.0004" lon="0.0004"/><node id="6" lat="0.0004" lon="0.0006"/>
      <node id="7" lat="0.0006" lon="0.0006"/><node id="8" lat="0.0006" lon="0.0004"/>
      <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/></way><way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
      <way id="12"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
      <relation id="100"><member type="way" ref="10" role="outer"/><member type="way" ref="12" role="inner"/>
        <member type="way" ref="11" role="outer"/><tag k="type" v="multipolygon"/><tag k="building" v="apartments"/>
      </relation></osm>""")
    (building,) = read_buildings(path)
    expected = box(0, 0, 0.001, 0.001).difference(box(0.0004, 0.0004, 0.0006, 0.0006))
    assert building.osm_type == "relation" and building.geometry.equals(expected)


def test_an_island_inside_an_inner_ring_stays_part_of_the_area(tmp_path):
    # A community whose hole (a lake) holds an island: outer 1-2-3-4 in two ways of opposite direction,
    # inner 5-6-7-8, island 5-6-9 sharing the inner's south edge. Seen: the island subtracted with the hole.
    path = tmp_path / "island.osm"
    path.write_text("""<osm version="0.6">
      <node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="0.01"/><node id="3" lat="0.01" lon="0.01"/>
      <node id="4" lat="0.01" lon="0"/><node id="5" lat="0.002" lon="0.002"/><node id="6" lat="0.002" lon="0.004"/>
      <node id="7" lat="0.004" lon="0.004"/><node id="8" lat="0.004" lon="0.002"/><node id="9" lat="0.003" lon="0.003"/>
      <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/></way><way id="11"><nd ref="1"/><nd ref="4"/><nd ref="3"/></way>
      <way id="12"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
      <way id="13"><nd ref="5"/><nd ref="6"/><nd ref="9"/><nd ref="5"/></way>
      <relation id="100"><member type="way" ref="10" role="outer"/><member type="way" ref="12" role="inner"/>
        <member type="way" ref="11" role="outer"/><member type="way" ref="13" role="outer"/>
        <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="10"/></relation>
    </osm>""")
    (boundary,) = read_extract(path, admin_levels=[10]).boundaries
    island = Polygon([(0.002, 0.002), (0.004, 0.002), (0.003, 0.003)])
    expected = box(0, 0, 0.01, 0.01).difference(box(0.002, 0.002, 0.004, 0.004)).union(island)
    assert boundary.geometry.symmetric_difference(expected).area < 1e-15
    assert boundary.geometry.covers(Point(0.003, 0.0025)) and not boundary.geometry.covers(Point(0.003, 0.0035))
    assert not boundary.repaired


def test_extract_area_without_bounds_is_the_bbox_of_the_nodes(tmp_path):
    osm = TinyOsm()
    for lng, lat in [(0, 0), (1, 0), (0.5, 1)]:
        osm.node(lng, lat)
    assert osm_extract_area(osm.write(tmp_path / "triangle.osm")).equals(box(0, 0, 1, 1))


def test_empty_extract_has_no_area(tmp_path):
    path = TinyOsm().write(tmp_path / "empty.osm")
    assert read_extract(path).area is None
    with pytest.raises(OsmReadError, match="no <bounds> and no nodes"):
        osm_extract_area(path)


# --- plausibility limits --------------------------------------------------------------


def test_r15_absurd_levels_are_set_aside_and_reported():
    assessed = building_households({"building": "house", "building:levels": "2019"}, 681.0,
                                   dwelling_area_m2=90.0, default_levels=1)
    # Seen: 681 × 2019 / 90 = 15,278 households. Right: the default 1 storey, 681 / 90 = 7.6 -> 8.
    assert (assessed.households, assessed.levels) == (8, 1)
    assert assessed.implausible == ("building:levels=2019 above 100: 1 used",)


@pytest.mark.parametrize("tags, area_m2, households, departure", [
    ({"building": "house", "building:levels": "three"}, 180.0, 2, "building:levels=three is not a number: 1 used"),
    ({"building": "house", "building:levels": "0"}, 180.0, 2, "building:levels=0 below 1: 1 used"),
    ({"building": "house", "building:flats": "~20"}, 180.0, 2, "building:flats=~20 is not a whole number: estimate used"),
    # A point has no footprint to judge flats by: the household limit alone holds it (seen: integer overflow).
    ({"building": "apartments", "building:flats": "2147483648"}, 0.0, 1,
     "building:flats=2147483648 above 10000: estimate used"),
    # A 2 km² "building" (a mis-tagged landuse) at 100 storeys: 2,222,222 estimated, held to the limit.
    ({"building": "yes", "building:levels": "100"}, 2_000_000.0, 10_000,
     "estimate 2222222 households above 10000 (2000000 m² × 100 levels): 10000 used"),
])
def test_tags_and_estimates_beyond_use_are_reported(tags, area_m2, households, departure):
    assessed = building_households(tags, area_m2, dwelling_area_m2=90.0, default_levels=1)
    assert (assessed.households, assessed.implausible) == (households, (departure,))


def test_flats_giving_under_10_m2_a_flat_are_set_aside_for_the_estimate():
    # 400 m² × 2 storeys = 800 m² of floor for 500 flats: 1.6 m² a flat.
    assessed = building_households({"building": "apartments", "building:levels": "2", "building:flats": "500"},
                                   400.0, dwelling_area_m2=90.0, default_levels=1)
    assert (assessed.households, assessed.source) == (9, "estimate")
    assert assessed.implausible == ("building:flats=500 on 800 m² of floor: under 10 m² a flat, estimate used",)


def test_many_flats_without_levels_are_judged_against_a_tower():
    # 48 flats on a 400 m² footprint with no levels tag: plausible for a tower of up to 100 storeys.
    assessed = building_households({"building": "apartments", "building:flats": "48"}, 400.0,
                                   dwelling_area_m2=90.0, default_levels=1)
    assert (assessed.households, assessed.source, assessed.implausible) == (48, "tag", ())


@pytest.mark.parametrize("tags, reason", [
    ({"building": "office"}, "building=office"),
    ({"building": "yes", "office": "government"}, "building=yes + office=government"),
    ({"building": "yes", "historic": "castle"}, "building=yes + historic=castle"),
    ({"building": "public"}, "building=public"),
    ({"building": "apartments"}, None),
    ({"building": "yes"}, None),
])
def test_non_residential_reason_names_the_rule(tags, reason):
    assert non_residential_reason(tags) == reason
