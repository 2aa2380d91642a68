"""import_osm --close-cut-buildings: a building cut at the extract's edge keeps its inside part, closed along it.

``tests/data/osm/cut_building_way.osm`` is hand-written (see its comment): way 40
crosses the east edge of its <bounds>, way 50 has one node inside at the
north-east corner, way 60 is whole.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gridmgmt.areas.models import Building

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "osm"
CUT = DATA / "cut_building_way.osm"


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_osm", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def whole_extract(tmp_path) -> Path:
    """The same extract cut wider: way 40's nodes past the old edge (116.0502 E) are in it."""
    text = CUT.read_text().replace('maxlon="116.0500000"', 'maxlon="116.0510000"').replace(
        '<node id="44"', '<node id="42" lat="30.1520000" lon="116.0502000"/>'
                         '<node id="43" lat="30.1522000" lon="116.0502000"/><node id="44"')
    path = tmp_path / "whole.osm"
    path.write_text(text)
    return path


def test_by_default_a_cut_building_is_left_out_named_and_the_option_told():
    output = run(CUT)
    assert "way 40 (building): 2 of its 5 nodes are not in the extract (cut at its edge); ring cannot be built" in output
    assert "way 50 (building): 3 of its 5 nodes" in output
    assert "2 building(s) above cut at the extract's edge: --close-cut-buildings" in output
    assert list(Building.objects.values_list("source_id", flat=True)) == ["way/60"]


def test_close_cut_buildings_keeps_the_inside_part_closed_along_the_edge(tmp_path):
    run(whole_extract(tmp_path))
    whole = Building.objects.get(source_id="way/40")
    Building.objects.all().delete()

    output = run(CUT, "--close-cut-buildings")
    building = Building.objects.get(source_id="way/40")
    # The inside part: from its nodes at 116.0498 E to the edge at 116.05 E.
    assert building.footprint.extent == pytest.approx((116.0498, 30.152, 116.05, 30.1522), abs=1e-9)
    assert building.footprint.area == pytest.approx(whole.footprint.area / 2)
    assert whole.footprint.extent == pytest.approx((116.0498, 30.152, 116.0502, 30.1522), abs=1e-9)
    # Households estimated from the inside part (427 m² × 6 levels / 90 m²) against the whole (854 m²).
    assert (building.households, whole.households) == (28, 57)
    assert building.location.within(building.footprint)
    assert "closed along the extract's edge (1): way 40 (building, households from its inside part)" in output
    # Way 50 has a single node inside: nothing to close, still named.
    assert "way 50 (building): no part of its outline lies inside the extract (way 50 lacks node 52, 53, 54)" \
        in output
    assert "--close-cut-buildings keeps" not in output
    assert sorted(Building.objects.values_list("source_id", flat=True)) == ["way/40", "way/60"]


def test_a_cut_building_never_replaces_the_whole_one_already_stored(tmp_path):
    run(whole_extract(tmp_path))
    whole = Building.objects.get(source_id="way/40")
    output = run(CUT, "--close-cut-buildings")
    kept = Building.objects.get(source_id="way/40")
    assert (kept.footprint.wkt, kept.households) == (whole.footprint.wkt, whole.households)
    assert "already stored, stored outline kept (1): way/40" in output
    assert "buildings: 1 written of 2 read" in output


def test_the_shared_cut_building_relation_is_closed_with_the_option():
    # shared case crash_cut_multipolygon.osm: relation 100's way lacks node 4; the area is the bbox of the
    # nodes (no <bounds>), along two sides of which the way runs, so closing gives that box.
    output = run(DATA / "cases" / "crash_cut_multipolygon.osm", "--close-cut-buildings")
    building = Building.objects.get(source_id="relation/100")
    assert building.footprint.extent == pytest.approx((116.04, 30.15, 116.041, 30.1505))
    assert "closed along the extract's edge (1): relation 100 (building, households from its inside part)" \
        in output


def test_suburb_extract_keeps_its_cut_buildings_inside_part():
    # Measured on the file (tests/data/osm/README.md): 2,171 whole buildings and 48 cut at the edge, of which
    # 44 have a part inside to close and 4 a single node inside (named, left out).
    output = run(DATA / "suburb-finland.osm.bz2", "--close-cut-buildings")
    assert Building.objects.count() == 2171 + 44
    assert "closed along the extract's edge (44): " in output
    assert output.count("(building): no part of its outline lies inside the extract") == 4
    for building in Building.objects.exclude(footprint=None).iterator():
        assert building.footprint.valid and building.location.within(building.footprint)
