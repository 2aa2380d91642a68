"""Grids at a seam between two communities (tests/data/osm/cases/seam, © OpenStreetMap contributors, ODbL 1.0).

Two communities share an edge; two entrances sit exactly on vertices of it.
A point on a shared vertex must lie in exactly one grid of the community it
belongs to, and grid vertices on an outline are the outline's own vertices,
bit for bit (a round trip through the metric plane must not move them).
"""

from io import StringIO

import pytest
import shapely
from django.core.management import call_command

from gridmgmt.areas.models import Building, Community
from gridmgmt.grids.models import Grid
from tests.areas.test_import_seam import ON_SHARED_VERTICES, import_boundaries, import_buildings

pytestmark = pytest.mark.django_db


@pytest.fixture
def seam_grids():
    import_boundaries()
    import_buildings()
    call_command("generate_grids", "--all", "--activate", "--target-households", "100", stdout=StringIO())


def test_building_on_a_shared_vertex_lies_in_exactly_one_grid_of_its_community(seam_grids):
    for building in Building.objects.filter(source_id__in=ON_SHARED_VERTICES):
        covering = Grid.objects.active().covering(building.location)
        assert covering.filter(community=building.community).count() == 1
        # Counted once: households of all grids add up to all buildings.
    assert sum(Grid.objects.active().values_list("households", flat=True)) == sum(
        Building.objects.values_list("households", flat=True))


def test_every_outline_vertex_is_a_grid_vertex_bit_for_bit(seam_grids):
    for community in Community.objects.all():
        outline = {tuple(xy) for xy in shapely.get_coordinates(shapely.from_wkb(bytes(community.boundary.wkb)))}
        grid_vertices = set()
        for grid in Grid.objects.active().filter(community=community):
            grid_vertices |= {tuple(xy) for xy in shapely.get_coordinates(shapely.from_wkb(bytes(grid.polygon.wkb)))}
        assert outline <= grid_vertices


def test_report_holds_at_the_seam(seam_grids):
    out = StringIO()
    call_command("grid_report", stdout=out)
    assert "invariants: all hold" in out.getvalue()
