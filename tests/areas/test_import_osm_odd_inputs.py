"""Odd inputs of the kinds in shared/cases/osm.md, through the commands: a CommandError naming the file,
feature or reason, nothing half-written, no traceback."""

from io import StringIO
from pathlib import Path

import osmium
import pytest
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import Building, Community, Street
from gridmgmt.grids.models import GridGeneration
from tests.areas.test_import_osm import CASES, DATA, nothing_written, run, run_failing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, reason", [("zero.osm", "XML parsing error at line 1"),
                                          ("zero.osm.pbf", "PBF error")])
def test_a_file_of_zero_bytes_is_refused_naming_it(tmp_path, name, reason):
    (tmp_path / name).write_bytes(b"")
    _, error = run_failing(tmp_path / name)
    assert name in error and reason in error and error.endswith("nothing written")
    assert nothing_written()


@pytest.mark.parametrize("kept", [0.5, 0.999])
def test_a_truncated_pbf_writes_nothing_of_what_came_before_the_cut(tmp_path, kept):
    # The suburb as PBF, cut: its first blocks (nodes, ways with buildings) parse before the reader fails.
    pbf = tmp_path / "suburb.osm.pbf"
    source = osmium.FileProcessor(str(DATA / "suburb-finland.osm.bz2"))
    with osmium.SimpleWriter(str(pbf), header=source.header) as writer:
        for element in source:
            writer.add(element)
    data = pbf.read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[: int(len(data) * kept)])
    _, error = run_failing(cut)
    assert "cut.osm.pbf" in error and "PBF error: unexpected EOF" in error
    assert nothing_written()


def test_a_building_relation_missing_a_member_way_is_named(tmp_path):
    path = tmp_path / "relation.osm"
    path.write_text("""<osm version="0.6">
      <bounds minlat="30.1500" minlon="116.0400" maxlat="30.1520" maxlon="116.0420"/>
      <node id="1" lat="30.1505" lon="116.0405"/><node id="2" lat="30.1505" lon="116.0420"/>
      <node id="3" lat="30.1510" lon="116.0420"/><node id="4" lat="30.1510" lon="116.0405"/>
      <way id="10"><nd ref="2"/><nd ref="1"/><nd ref="4"/><nd ref="3"/></way>
      <relation id="100"><member type="way" ref="10" role="outer"/><member type="way" ref="11" role="outer"/>
        <tag k="type" v="multipolygon"/><tag k="building" v="yes"/></relation></osm>""")
    output, error = run_failing(path)
    assert "relation 100 (building): cut at the extract's edge (member way 11 is not in the extract); left out" \
        in output
    assert "nothing usable in the extract" in error and nothing_written()

    # Way 10 runs from the east edge round to it again: closed along the edge, the box it leaves.
    output = run(path, "--close-cut-buildings")
    building = Building.objects.get(source_id="relation/100")
    assert building.footprint.extent == pytest.approx((116.0405, 30.1505, 116.042, 30.151))


@pytest.fixture
def district_box():
    call_command("import_boundaries", str(CASES / "district_box.geojson"), "--level", "district",
                 stdout=StringIO())


def _codes(tmp_path, text: str) -> Path:
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("code, reason", [
    ("0910000001", "code '0910000001' is not a street code: expected 9 digits starting with the district's code"),
    ("092000001", "code '092000001' does not start with its district's code 091000"),
    ("０９１０００００１", "code '０９１０００００１' is not a street code: expected 9 digits"),
])
def test_a_code_csv_with_a_wrong_code_refuses_the_import_naming_the_form(tmp_path, district_box, code, reason):
    output, error = run_failing(CASES / "complete_admin.osm", "--street-admin-level", "8",
                                "--codes", _codes(tmp_path, f"osm_id,code\nrelation/100,{code}\n"))
    assert f"refused relation 100 (code {code}, Town): " in output and reason in output
    assert "buildings: 0 written of 1 read (12 households)" in output
    assert "import refused" in error
    assert not Street.objects.exists() and not Building.objects.exists()


def test_a_code_csv_with_another_separator_names_the_columns_it_found(tmp_path, district_box):
    _, error = run_failing(CASES / "complete_admin.osm", "--street-admin-level", "8",
                           "--codes", _codes(tmp_path, "osm_id;code\nrelation/100;091000001\n"))
    assert "needs a code column and an osm_id or ref column (found: osm_id;code)" in error
    assert not Street.objects.exists()


def test_a_community_with_no_buildings_is_named_and_alone_refused(tmp_path, district_box):
    run(CASES / "complete_admin.osm", "--street-admin-level", "8", "--community-admin-level", "10", "--codes",
        _codes(tmp_path, "osm_id,code\nrelation/100,091000001\nrelation/101,091000001001\n"
                         "relation/102,091000001002\n"))
    # The case's one building lies in East (001); West (002) has none.
    assert Community.objects.get(code="091000001002").buildings.count() == 0
    with pytest.raises(CommandError, match="no buildings in 091000001002 West: nothing to divide into grids "
                                           r"\(import buildings first\); nothing stored"):
        call_command("generate_grids", "--community", "091000001002", stdout=StringIO())
    assert not GridGeneration.objects.exists()

    out = StringIO()
    call_command("generate_grids", "--all", stdout=out)
    assert "no buildings (one grid of 0 households covers it): community 091000001002 West" in out.getvalue()
    assert GridGeneration.objects.get().grids.filter(community__code="091000001002").count() == 1
