"""import_households (real counts per building) and recode_area (an officer fixes a code; children follow)."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import BoundaryVersion, Building, Community, Department, District, Street
from gridmgmt.events.models import AreaLevel, BigClass, RoutingRule, SmallClass

pytestmark = pytest.mark.django_db

CASES = Path(__file__).resolve().parents[1] / "data" / "osm" / "cases"


def run(command, *args) -> str:
    out = StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=out)
    return out.getvalue()


def csv_file(tmp_path, text: str) -> Path:
    path = tmp_path / "households.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def osm_buildings():
    # complete_admin.osm holds way 30 (building:flats=12); the seam file four point buildings.
    run("import_osm", CASES / "complete_admin.osm")
    run("import_osm", CASES / "seam" / "seam_buildings.osm")
    return {b.source_id: b for b in Building.objects.all()}


def test_households_csv_sets_counts_by_osm_id_and_building_id(tmp_path, osm_buildings):
    entrance = osm_buildings["node/256257154"]
    path = csv_file(tmp_path, f"osm_id,building_id,households,population\nway/30,,20,52\n,{entrance.id},3,\nn1,,140,\n")
    assert run("import_households", path).strip() == "households set for 3 buildings"
    counts = {b.source_id: (b.households, b.households_source, b.population) for b in Building.objects.all()}
    assert counts["way/30"] == (20, "count", 52)
    assert counts["node/256257154"] == (3, "count", 0)
    assert counts["node/1"] == (140, "count", 0)
    assert counts["node/2"] == (150, "tag", 0)


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_a_households_csv_as_an_office_in_china_saves_it_is_read(tmp_path, osm_buildings, encoding):
    # Seen: a GBK or UTF-16 file (Excel's and Notepad's choices in China) refused as not UTF-8 (R13).
    path = tmp_path / "households.csv"
    path.write_bytes("osm_id,households,备注\nway/30,20,三楼加建\n".encode(encoding))
    assert run("import_households", path).strip() == "households set for 1 buildings"
    assert Building.objects.get(source_id="way/30").households == 20


def test_counted_households_survive_a_re_import_of_the_extract(tmp_path, osm_buildings):
    run("import_households", csv_file(tmp_path, "osm_id,households\nway/30,20\n"))
    run("import_osm", CASES / "complete_admin.osm")
    building = Building.objects.get(source_id="way/30")
    assert (building.households, building.households_source) == (20, "count")


@pytest.mark.parametrize("text, message", [
    ("osm_id,households\nway/30,20\nway/999,4\n", "line 3: no building imported from OSM way/999"),
    ("osm_id,households\nway/30,20\nway/30,21\n", "line 3: the same building appears on an earlier line"),
    ("osm_id,households\nway/30,-1\n", "line 2: households '-1' is not a whole number ≥ 0"),
    ("osm_id,households\nway/30,twelve\n", "line 2: households 'twelve' is not a whole number ≥ 0"),
    ("osm_id,households\nstreet 5,3\n", "line 2: osm_id 'street 5' is not like way/123 or w123"),
    ("building_id,households\n999999,3\n", "line 2: no building with building_id '999999'"),
    ("building_id,households\n²,3\n", "line 2: no building with building_id '²'"),  # isdigit() but no int
    ("osm_id,households\nway/²,3\n", "line 2: osm_id 'way/²' is not like way/123 or w123"),
    ("osm_id,building_id,households\n,,3\n", "line 2: neither osm_id nor building_id given"),
    ("id,flats\n1,2\n", "needs a households column and an osm_id or building_id column (found: id, flats)"),
])
def test_households_csv_with_a_bad_line_writes_nothing_and_names_it(tmp_path, osm_buildings, text, message):
    with pytest.raises(CommandError) as refused:
        run("import_households", csv_file(tmp_path, text))
    assert message in str(refused.value) and "nothing written" in str(refused.value)
    assert not Building.objects.filter(households_source="count").exists()


def _square(x0, y0, size=0.01):
    return MultiPolygon(Polygon.from_bbox((x0, y0, x0 + size, y0 + size)), srid=4326)


@pytest.fixture
def hierarchy():
    district = District.objects.create(code="091000", name="D", boundary=_square(116.0, 30.0, 0.1))
    street = Street.objects.create(code="091000001", name="S", district=district, boundary=_square(116.0, 30.0, 0.05))
    for code, x in (("091000001001", 116.0), ("091000001002", 116.02)):
        Community.objects.create(code=code, name=code, street=street, boundary=_square(x, 30.0))
    for level, code in (("street", "091000001"), ("community", "091000001001"), ("community", "091000001002")):
        BoundaryVersion.objects.create(level=level, code=code, version=1, name=code, geometry=_square(116.0, 30.0),
                                       valid_from="2026-01-01")
    department = Department.objects.create(code="CG", name="城管局")
    big = BigClass.objects.create(code="11", kind="event", name="市容环境")
    small = SmallClass.objects.create(big_class=big, code="1101", name="暴露垃圾", time_limit_value=4,
                                      time_limit_unit="working_hours")
    RoutingRule.objects.create(small_class=small, level=AreaLevel.COMMUNITY, area_code="091000001002",
                               department=department)
    return street


def test_recode_street_children_boundary_versions_and_routing_follow(hierarchy):
    output = run("recode_area", "street", "091000001", "091000007")
    assert list(Community.objects.values_list("code", flat=True)) == ["091000007001", "091000007002"]
    assert Street.objects.get().code == "091000007"
    assert sorted(BoundaryVersion.objects.values_list("code", flat=True)) == [
        "091000007", "091000007001", "091000007002"]
    assert RoutingRule.objects.get().area_code == "091000007002"
    assert "street 091000001 → 091000007; 3 boundary versions and 1 routing rules recoded" in output
    assert "  community 091000001002 → 091000007002" in output


@pytest.mark.parametrize("args, message", [
    (("street", "091000001", "91000007"), "code '91000007' is not a street code: expected 9 digits starting with "
                                          "the district's code 091000"),
    (("street", "091000001", "092000001"), "does not start with its district's code 091000"),
    (("community", "091000001001", "091000001002"), "community code 091000001002 (for 091000001001) is already in use"),
    (("street", "091000999", "091000002"), "no street with code 091000999"),
])
def test_recode_refuses_wrong_codes_naming_the_form_and_changes_nothing(hierarchy, args, message):
    with pytest.raises(CommandError) as refused:
        run("recode_area", *args)
    assert message in str(refused.value) and "nothing changed" in str(refused.value)
    assert list(Community.objects.values_list("code", flat=True)) == ["091000001001", "091000001002"]


def test_buildings_keep_their_community_through_a_recode(hierarchy):
    community = Community.objects.get(code="091000001001")
    building = Building.objects.create(community=community, location=Point(116.005, 30.005, srid=4326),
                                       households=5, source="test", source_id="1")
    run("recode_area", "community", "091000001001", "091000001009")
    building.refresh_from_db()
    assert building.community.code == "091000001009"


@pytest.mark.parametrize("row, reason", [
    # Seen: "django.db.utils.DataError: integer out of range" traceback (the column is a 32-bit integer).
    ("way/30,99999999999999999999,", "households 99999999999999999999 is above 10000, the most one building may hold"),
    ("way/30,10001,", "households 10001 is above 10000"),
    ("way/30,20,99999999999", "population 99999999999 is above 2147483647"),
])
def test_a_households_csv_with_a_count_beyond_the_limit_is_refused_naming_the_line(tmp_path, osm_buildings, row,
                                                                                   reason):
    with pytest.raises(CommandError, match=f"line 2: {reason}"):
        run("import_households", csv_file(tmp_path, f"osm_id,households,population\n{row}\n"))
    assert Building.objects.get(source_id="way/30").households == 12
