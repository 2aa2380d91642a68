"""The GIS editor's grid edits (gridmgmt.grids.editing) on the two-community test district.

West community: 40 point buildings × 25 households on a lattice (1,000 households → 5 grids at the
cap of 200); east: 12 × 10 households (one grid). Geometry in WGS84 (lng, lat).
"""

import pytest
from shapely.geometry import LineString

from gridmgmt.grids.editing import GridEditError, community_grids_undo, grid_split, grids_merge, grids_redraw_edge
from gridmgmt.grids.models import Grid
from gridmgmt.grids.selectors import grid_quality_report
from gridmgmt.grids.services import grids_generate


@pytest.fixture
def generated(two_communities):
    grids_generate(communities=list(two_communities), target_households=200, code_digits=2, activate=True)
    return two_communities


def _polygon(grid):
    import shapely
    return shapely.from_wkb(bytes(grid.polygon.wkb))


def test_split_gives_new_codes_keeps_the_rest_and_passes_the_check(generated):
    west, east = generated
    before = {g.code: g.households for g in Grid.objects.active().filter(community=east)}
    (only,) = Grid.objects.active().filter(community=east)
    minx, miny, maxx, maxy = _polygon(only).bounds
    # A north-south line between lattice columns: the lattice step is 0.01 / 5 = 0.002°.
    x = 113.27 + 0.003
    result = grid_split(grid=only, line=LineString([(x, miny - 0.001), (x, maxy + 0.001)]))
    active = {g.code: g for g in Grid.objects.active().filter(community=east)}
    assert result.retired == [only.code] and only.code not in active
    assert sorted(result.created) == sorted(active)
    assert all(int(code[-2:]) > only.sequence for code in active)  # never a reused sequence
    assert sum(g.households for g in active.values()) == sum(before.values())
    assert grid_quality_report(target_households=200).violations == {}


def test_split_by_a_line_that_misses_the_grid_is_refused_and_stores_nothing(generated):
    west, east = generated
    (only,) = Grid.objects.active().filter(community=east)
    grids_before = Grid.objects.count()
    with pytest.raises(GridEditError, match="does not cross"):
        grid_split(grid=only, line=LineString([(113.0, 23.0), (113.01, 23.01)]))
    assert Grid.objects.count() == grids_before


def test_merge_above_the_cap_is_refused_naming_the_check(generated):
    west, _ = generated
    grids = list(Grid.objects.active().filter(community=west).order_by("sequence"))
    first = grids[0]
    neighbour = next(g for g in grids[1:] if _polygon(first).intersection(_polygon(g)).length > 0)
    count = Grid.objects.count()
    with pytest.raises(GridEditError, match="fails its check"):
        grids_merge(grids=[first, neighbour])
    assert Grid.objects.count() == count
    assert Grid.objects.get(pk=first.pk).active


def test_merge_after_split_then_undo_restores_the_codes(generated):
    _, east = generated
    (only,) = Grid.objects.active().filter(community=east)
    minx, miny, maxx, maxy = _polygon(only).bounds
    x = 113.27 + 0.003
    split = grid_split(grid=only, line=LineString([(x, miny - 0.001), (x, maxy + 0.001)]))
    halves = list(Grid.objects.active().filter(community=east))
    merged = grids_merge(grids=halves)
    (whole,) = Grid.objects.active().filter(community=east)
    assert whole.code == merged.created[0] and whole.code not in split.created + [only.code]
    assert whole.households == only.households
    community_grids_undo(community=east)
    assert sorted(g.code for g in Grid.objects.active().filter(community=east)) == sorted(split.created)


def test_merge_of_grids_in_two_communities_is_refused(generated):
    west, east = generated
    with pytest.raises(GridEditError, match="different communities"):
        grids_merge(grids=[Grid.objects.active().filter(community=west).first(),
                           Grid.objects.active().get(community=east)])


def test_undo_without_earlier_grids_is_refused(generated):
    _, east = generated
    with pytest.raises(GridEditError, match="no earlier grids"):
        community_grids_undo(community=east)


def _east_halves(east):
    """East's one grid split at lng 113.273: lattice columns at 113.272 | 113.274, 113.276, 113.278."""
    (only,) = Grid.objects.active().filter(community=east)
    grid_split(grid=only, line=LineString([(113.273, 23.119), (113.273, 23.131)]))
    return sorted(Grid.objects.active().filter(community=east), key=lambda g: _polygon(g).bounds[0])


def test_redraw_moving_no_building_keeps_both_codes(generated):
    _, east = generated
    west_half, east_half = _east_halves(east)
    result = grids_redraw_edge(grids=[west_half, east_half],
                               line=LineString([(113.2735, 23.119), (113.2735, 23.131)]))
    assert (result.retired, result.created) == ([], [])
    active = {g.code: g for g in Grid.objects.active().filter(community=east)}
    assert set(active) == {west_half.code, east_half.code}
    assert _polygon(active[west_half.code]).bounds[2] == pytest.approx(113.2735)
    assert grid_quality_report(target_households=200).violations == {}


def test_redraw_moving_buildings_retires_both_codes_for_new_ones(generated):
    _, east = generated
    west_half, east_half = _east_halves(east)
    result = grids_redraw_edge(grids=[west_half, east_half],
                               line=LineString([(113.275, 23.119), (113.275, 23.131)]))
    assert result.retired == sorted([west_half.code, east_half.code]) and len(result.created) == 2
    assert not set(result.created) & {west_half.code, east_half.code}
    households = sorted(g.households for g in Grid.objects.active().filter(community=east))
    assert households == [60, 60]
    assert grid_quality_report(target_households=200).violations == {}


def test_redraw_with_a_line_missing_the_grids_is_refused(generated):
    _, east = generated
    halves = _east_halves(east)
    count = Grid.objects.count()
    with pytest.raises(GridEditError, match="exactly two"):
        grids_redraw_edge(grids=halves, line=LineString([(113.0, 23.0), (113.01, 23.01)]))
    assert Grid.objects.count() == count
