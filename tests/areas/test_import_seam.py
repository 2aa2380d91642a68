"""Buildings follow the boundaries, whatever the import order (tests/data/osm/cases/seam).

Two communities A (091000001001) and B (091000001002) share an edge; two
entrances (building=entrance) sit exactly on vertices of that edge, and two
apartment blocks (building:flats=150) lie inside A. The placement rule
(gridmgmt.areas.building_services): the lowest code covering the point, so
both entrances go to A, exactly once.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from gridmgmt.areas.models import Building, Community
from gridmgmt.areas.selectors import locate
from gridmgmt.grids.models import Grid

pytestmark = pytest.mark.django_db

SEAM = Path(__file__).resolve().parents[1] / "data" / "osm" / "cases" / "seam"
ON_SHARED_VERTICES = {"node/316414957", "node/256257154"}
EXPECTED = {"node/316414957": "091000001001", "node/256257154": "091000001001",
            "node/1": "091000001001", "node/2": "091000001001"}


def import_boundaries() -> str:
    out = StringIO()
    for name, level in (("seam_district.geojson", "district"), ("seam_street.geojson", "street"),
                        ("seam_communities.geojson", "community")):
        extra = ["--parent", {"street": "091000", "community": "091000001"}[level]] if level != "district" else []
        call_command("import_boundaries", str(SEAM / name), "--level", level, *extra, stdout=out)
    return out.getvalue()


def import_buildings() -> None:
    call_command("import_osm", str(SEAM / "seam_buildings.osm"), stdout=StringIO())


def placements() -> dict[str, str | None]:
    return {b.source_id: b.community.code if b.community else None for b in Building.objects.all()}


def test_buildings_imported_before_boundaries_are_placed_when_the_boundaries_arrive():
    import_buildings()
    assert set(placements().values()) == {None}
    output = import_boundaries()
    assert "community: 2 created, 0 updated, 0 unchanged, 0 repaired, 0 refused, 4 buildings re-placed" in output
    assert placements() == EXPECTED


def test_boundaries_first_then_buildings_gives_the_same_placement():
    import_boundaries()
    import_buildings()
    assert placements() == EXPECTED


def test_building_on_a_shared_vertex_is_in_the_community_a_report_there_is_located_in():
    import_boundaries()
    import_buildings()
    for building in Building.objects.filter(source_id__in=ON_SHARED_VERTICES):
        # Both communities cover the vertex; the building and a point report agree on one of them.
        assert Community.objects.covering(building.location).count() == 2
        assert locate(Point(building.location.x, building.location.y, srid=4326)).community == building.community


def test_a_re_imported_boundary_re_places_the_buildings_it_no_longer_covers(tmp_path):
    import_boundaries()
    import_buildings()
    # Community A shrinks to a triangle away from the seam; B is unchanged: the entrances now lie only in B.
    text = (SEAM / "seam_communities.geojson").read_text().replace(
        "[[[116.0614567, 30.1573543], [116.0626515, 30.1567117], [116.0628427, 30.1565812], "
        "[116.0639567, 30.1558543], [116.0654567, 30.1571543], [116.0629567, 30.1584543], [116.0614567, 30.1573543]]]",
        "[[[116.0639567, 30.1558543], [116.0654567, 30.1571543], [116.0629567, 30.1584543], [116.0639567, 30.1558543]]]")
    shrunk = tmp_path / "communities.geojson"
    shrunk.write_text(text)
    call_command("import_boundaries", str(shrunk), "--level", "community", "--parent", "091000001",
                 stdout=StringIO())
    placed = placements()
    assert placed["node/316414957"] == placed["node/256257154"] == "091000001002"


def test_grids_generated_after_buildings_then_boundaries_hold_the_households():
    # The case's "seen": 0 households in every grid when buildings came first. 2 × 150 flats lie in A.
    import_buildings()
    import_boundaries()
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    by_community = {}
    for grid in Grid.objects.filter(active=True):
        by_community[grid.community.code] = by_community.get(grid.community.code, 0) + grid.households
    assert by_community == {"091000001001": 300, "091000001002": 0}
