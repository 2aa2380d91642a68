"""spatial.precision.noded_coverage: grids made a clean coverage, never broken by the cleaning (metres)."""

import shapely
from shapely.geometry import Polygon, box

from spatial.precision import noded_coverage


def test_a_t_junction_and_a_near_vertex_are_noded_into_a_valid_coverage():
    # The west grid has a vertex in the middle of the east grid's edge (a T-junction), one a hair off it.
    west = Polygon([(0, 0), (10, 0), (10, 5 + 4e-7), (10, 10), (0, 10)])
    east = box(10, 0, 20, 10)
    assert not shapely.coverage_is_valid([west, east])
    noded = noded_coverage([west, east])
    assert shapely.coverage_is_valid(noded)
    assert [round(p.area, 6) for p in noded] == [100.0, 100.0]


def test_grids_the_cleaning_would_break_are_returned_as_they_are():
    # A grid crossing another's middle: cleaning gives the overlap to one and cuts the other in two parts.
    long_grid, crossing = box(0, 0, 10, 1), box(4, -1, 6, 2)
    assert shapely.coverage_clean([long_grid, crossing], snapping_distance=1e-6)[0].geom_type == "MultiPolygon"
    assert noded_coverage([long_grid, crossing]) == [long_grid, crossing]


def test_an_overlap_snapping_cannot_mend_goes_to_the_cleaner():
    # 1 mm of overlap, a thousand times the snapping distance: the cleaner gives it to one grid.
    west, east = box(0, 0, 10.001, 10), box(10, 0, 20, 10)
    noded = noded_coverage([west, east])
    assert shapely.coverage_is_valid(noded)
    assert round(sum(p.area for p in noded), 6) == 200.0 and all(p.geom_type == "Polygon" for p in noded)


def test_a_t_junction_is_mended_by_giving_the_neighbour_the_vertex():
    west = Polygon([(0, 0), (10, 0), (10, 5), (10, 10), (0, 10)])
    east = box(10, 0, 20, 10)
    _, noded_east = noded_coverage([west, east])
    assert (10.0, 5.0) in set(map(tuple, shapely.get_coordinates(noded_east)))
    assert noded_east.area == 100.0
