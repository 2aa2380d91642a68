"""Named edge cases of the community partitioner (pure geometry, no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from spatial.grid_codes import grid_code
from spatial.grid_quality import check_partition, household_stats, road_alignment_share
from spatial.partition import BuildingInput, partition_community

T = 200


def _lattice(community, spacing_m: float, households: int) -> list[BuildingInput]:
    """Point buildings on a square lattice inside the community, ids 0.."""
    min_x, min_y, max_x, max_y = community.bounds
    xs = np.arange(min_x + spacing_m / 2, max_x, spacing_m)
    ys = np.arange(min_y + spacing_m / 2, max_y, spacing_m)
    points = [Point(x, y) for y in ys for x in xs if community.contains(Point(x, y))]
    return [BuildingInput(i, p, households) for i, p in enumerate(points)]


def _assert_valid(community, buildings, result, target=T):
    assert check_partition(community, buildings, result.grids, target) == []


def _grid_of(result, building_id):
    (grid,) = [g for g in result.grids if building_id in g.building_ids]
    return grid


def test_fewer_households_than_target_gives_one_grid_with_sequence_one():
    community = box(0, 0, 300, 200)
    buildings = _lattice(community, 50, 10)[:15]  # 150 households, below T
    result = partition_community(community, buildings)
    assert len(result.grids) == 1
    (grid,) = result.grids
    assert grid.sequence == 1 and grid.households == 150
    assert grid.polygon.equals(community)
    assert grid_code("440104001007", grid.sequence) == "44010400100701"
    _assert_valid(community, buildings, result)


def test_community_without_buildings_is_one_grid():
    community = box(0, 0, 100, 100)
    result = partition_community(community, [])
    assert [g.sequence for g in result.grids] == [1]
    assert result.grids[0].households == 0


def test_single_building_above_target_is_its_own_grid_and_reported():
    community = box(0, 0, 400, 200)
    tower = BuildingInput("tower", box(40, 40, 80, 80), 350)
    others = [BuildingInput(f"h{i}", Point(200 + 40 * i, 100), 30) for i in range(5)]
    result = partition_community(community, [tower, *others])
    assert result.oversize_building_ids == ("tower",)
    assert _grid_of(result, "tower").building_ids == ("tower",)
    # 350 (alone) + 150: two grids, the tower's above the cap by necessity.
    assert sorted(g.households for g in result.grids) == [150, 350]
    _assert_valid(community, [tower, *others], result)


def test_balanced_grids_on_a_regular_community():
    # 20 x 20 lattice of 5-household buildings = 2,000 households: exactly
    # ceil(2000 / 200) = 10 grids are feasible (each 40 buildings).
    community = box(0, 0, 1000, 1000)
    buildings = _lattice(community, 50, 5)
    assert sum(b.households for b in buildings) == 2000
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)
    assert len(result.grids) == 10
    assert household_stats(g.households for g in result.grids)["cv"] == 0.0


def test_u_shaped_community_gives_connected_grids():
    community = box(0, 0, 600, 600).difference(box(200, 200, 400, 600))
    buildings = _lattice(community, 30, 3)
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)
    total = sum(b.households for b in buildings)
    assert len(result.grids) <= math.ceil(total / T) + 1
    assert all(g.polygon.geom_type == "Polygon" for g in result.grids)


def test_community_with_a_hole_keeps_the_hole_out_of_every_grid():
    hole = box(400, 400, 600, 600)
    community = box(0, 0, 1000, 1000).difference(hole)
    buildings = _lattice(community, 40, 2)
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)
    assert all(g.polygon.intersection(hole).area == pytest.approx(0.0, abs=1e-6) for g in result.grids)


def test_multipolygon_community_gets_grids_per_part():
    west, east = box(0, 0, 300, 300), box(500, 0, 800, 300)
    community = MultiPolygon([west, east])
    buildings = _lattice(community, 30, 2)
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)
    for grid in result.grids:
        assert west.covers(grid.polygon) or east.covers(grid.polygon)


def test_point_building_exactly_on_a_road_is_in_exactly_one_grid():
    community = box(0, 0, 400, 200)
    road = LineString([(200, -10), (200, 210)])
    on_road = BuildingInput("on-road", Point(200, 100), 60)
    others = [BuildingInput(i, Point(x, y), 60) for i, (x, y) in enumerate([(50, 50), (50, 150), (350, 50), (350, 150)])]
    buildings = [on_road, *others]
    first = partition_community(community, buildings, cut_lines_m=[road])
    _assert_valid(community, buildings, first)
    covering = [g.sequence for g in first.grids if g.polygon.covers(on_road.geometry)]
    assert covering == [_grid_of(first, "on-road").sequence]
    second = partition_community(community, buildings, cut_lines_m=[road])
    assert _grid_of(second, "on-road").sequence == _grid_of(first, "on-road").sequence


def test_building_on_the_community_boundary_is_assigned():
    community = box(0, 0, 300, 300)
    on_edge = BuildingInput("edge", Point(0, 150), 120)
    corner = BuildingInput("corner", Point(300, 300), 120)
    straddling = BuildingInput("straddle", box(280, 0, 320, 40), 50)  # half outside
    inside = BuildingInput("inside", Point(150, 150), 100)
    buildings = [on_edge, corner, straddling, inside]
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)


def test_footprints_are_never_split_by_a_cut():
    community = box(0, 0, 600, 300)
    # A row of long footprints touching each other leaves no clean gap.
    buildings = [BuildingInput(i, box(20 + 40 * i, 100, 60 + 40 * i, 200), 50) for i in range(14)]
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)
    for building in buildings:
        assert _grid_of(result, building.id).polygon.covers(building.geometry)


def test_no_roads_at_all_still_partitions():
    community = box(0, 0, 800, 500)
    buildings = _lattice(community, 25, 1)
    result = partition_community(community, buildings, cut_lines_m=[])
    _assert_valid(community, buildings, result)
    assert len(result.grids) == math.ceil(sum(b.households for b in buildings) / T)


def test_building_outside_the_community_is_a_clear_error():
    with pytest.raises(ValueError, match="outside the community: far"):
        partition_community(box(0, 0, 10, 10), [BuildingInput("far", Point(50, 50), 1)])


def test_repeated_building_ids_are_a_clear_error():
    community = box(0, 0, 10, 10)
    with pytest.raises(ValueError, match="ids repeat: 7"):
        partition_community(community, [BuildingInput(7, Point(1, 1), 1), BuildingInput(7, Point(2, 2), 1)])


def test_same_input_gives_same_grids_and_codes():
    community = Polygon([(0, 0), (900, 50), (1000, 700), (400, 1000), (-100, 600)])
    rng = np.random.default_rng(7)
    points = [Point(xy) for xy in rng.uniform(0, 1000, (400, 2)) if community.contains(Point(xy))]
    buildings = [BuildingInput(i, p, int(h)) for i, (p, h) in enumerate(zip(points, rng.integers(0, 40, 400)))]
    roads = [LineString([(0, 500), (1000, 520)]), LineString([(480, 0), (500, 1000)])]
    runs = [partition_community(community, buildings, cut_lines_m=roads) for _ in range(2)]
    first, second = ([(shapely.to_wkb(g.polygon), g.building_ids, grid_code("440104001007", g.sequence)) for g in r.grids] for r in runs)
    assert first == second
    _assert_valid(community, buildings, runs[0])


def test_grid_edges_follow_roads_when_roads_are_given():
    community = box(0, 0, 1000, 1000)
    rng = np.random.default_rng(3)
    # 1,880 households in 10 grids leave 12 households of slack per grid for
    # road-aligned grouping; at exactly 2,000 only a perfect packing (which
    # straight cuts find on 4-household buildings) keeps ceil(H/T) grids.
    points = rng.uniform(10, 990, (470, 2))
    buildings = [BuildingInput(i, Point(xy), 4) for i, xy in enumerate(points)]
    roads = [LineString([(0, y), (1000, y + 15)]) for y in (240, 490, 740)] + [
        LineString([(x, 0), (x - 10, 1000)]) for x in (260, 510, 760)
    ]
    without = partition_community(community, buildings)
    with_roads = partition_community(community, buildings, cut_lines_m=roads)
    _assert_valid(community, buildings, with_roads)
    share_without = road_alignment_share(without.polygons, roads)
    share_with = road_alignment_share(with_roads.polygons, roads)
    assert share_with > share_without + 0.3


def _realistic_households(rng, count: int, total: int) -> list[int]:
    """``count`` building sizes of 6–100 households adding up to ``total``."""
    households = rng.integers(6, 101, count)
    while households.sum() != total:
        index = rng.integers(count)
        step = 1 if households.sum() < total else -1
        households[index] = np.clip(households[index] + step, 6, 100)
    return [int(h) for h in households]


@pytest.mark.parametrize("seed", range(5))
def test_grid_count_stays_close_to_the_minimum_on_a_realistic_community(seed):
    # 1,800 households in 50 buildings of 6–100 households: nine grids of
    # exactly 200 would need a perfect packing; one more must be enough.
    community = Polygon([(0, 0), (700, -40), (760, 420), (300, 620), (-60, 380)])
    rng = np.random.default_rng(seed)
    points = []
    while len(points) < 50:
        point = Point(rng.uniform(-60, 760, 2))
        if community.buffer(-5).contains(point) and all(point.distance(p) >= 10 for p in points):
            points.append(point)
    households = _realistic_households(rng, 50, 1800)
    buildings = [BuildingInput(i, p, h) for i, (p, h) in enumerate(zip(points, households))]
    result = partition_community(community, buildings)
    _assert_valid(community, buildings, result)
    assert len(result.grids) <= math.ceil(1800 / T) + 1


def test_overlay_leftovers_of_lower_dimension_are_dropped():
    # Snap-rounding once collapsed a sliver of a side into a line beside its
    # polygon; GEOS then refused the collection as overlay input.
    from shapely.geometry import GeometryCollection, LineString, Polygon

    from spatial.precision import polygonal

    square = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    mixed = GeometryCollection([square, LineString([(10, 0), (20, 0)])])
    assert polygonal(mixed).equals(square)
    assert polygonal(square) is square
    assert shapely.difference(polygonal(mixed), Polygon([(5, 0), (10, 0), (10, 10), (5, 10)])).area == 50


def test_a_point_building_claims_a_third_of_the_way_to_its_nearest_other_spot():
    from spatial.partition import _point_claim_half_sizes

    # Two buildings on one spot, one 0.15 m away, one far: the pair and its neighbour get 0.05 m (a third of
    # 0.15), the far one the full 0.1 m; buildings on one spot do not shrink each other to nothing.
    points = shapely.points([(0.0, 0.0), (0.0, 0.0), (0.15, 0.0), (50.0, 50.0)])
    assert np.allclose(_point_claim_half_sizes(points), [0.05, 0.05, 0.05, 0.1])
    assert _point_claim_half_sizes(shapely.points([(3.0, 4.0), (3.0, 4.0)])).tolist() == [0.1, 0.1]


@pytest.mark.parametrize("seed", range(5))
def test_the_nearest_other_spot_is_found_as_by_comparing_every_pair(seed):
    from spatial.partition import _nearest_other_spot

    rng = np.random.default_rng(seed)
    # Points on a coarse lattice, so many share a spot or an x (the sweep's ties).
    xy = rng.integers(0, 12, (80, 2)).astype(float) * 2.5
    pairwise = np.hypot(*(xy[:, np.newaxis, :] - xy[np.newaxis, :, :]).transpose(2, 0, 1))
    pairwise[pairwise == 0] = np.inf
    assert np.array_equal(_nearest_other_spot(xy), pairwise.min(axis=1))
    assert _nearest_other_spot(np.zeros((3, 2))).tolist() == [math.inf] * 3
