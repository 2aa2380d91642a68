"""Property tests: every invariant of the partitioner on random communities.

Communities are random convex hulls, star-shaped (non-convex) polygons,
either with a hole, and pairs of separate parts; buildings are random points
or non-overlapping square footprints with random households (some above the
target); roads are random lines across the community, or none. A second
family has random polygon footprints (rotated rectangles, L shapes, random
convex polygons; some cut against a neighbour so they share a wall) on a
random street network (a jittered lattice with dead ends).
"""

from __future__ import annotations

import math

import shapely
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from spatial.grid_quality import check_partition
from spatial.partition import BuildingInput, partition_community

EXTENT_M = 1000.0
MIN_SPACING_M = 10.0
# Shrinking a geometric case takes minutes and keeps the suite slow; the
# failing example is printed whole instead.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
# Subnormal coordinates (1e-309 m) make GEOS judge a hull self-intersecting: no surveyed outline has them.
coordinate = st.floats(0.0, EXTENT_M, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def convex_communities(draw):
    points = draw(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=12))
    hull = shapely.convex_hull(shapely.multipoints(points))
    # A hull too small or thin for one 10 m grid is no community.
    return hull if hull.geom_type == "Polygon" and not hull.buffer(-30).is_empty else box(0, 0, EXTENT_M, EXTENT_M)


@st.composite
def star_communities(draw):
    vertex_count = draw(st.integers(5, 16))
    radii = draw(st.lists(st.floats(0.35, 1.0), min_size=vertex_count, max_size=vertex_count))
    centre = EXTENT_M / 2
    ring = [
        (centre + centre * r * math.cos(2 * math.pi * i / vertex_count), centre + centre * r * math.sin(2 * math.pi * i / vertex_count))
        for i, r in enumerate(radii)
    ]
    return Polygon(ring)


@st.composite
def communities(draw):
    outline = draw(st.one_of(convex_communities(), star_communities()))
    kind = draw(st.sampled_from(["plain", "hole", "two parts"]))
    if kind == "hole":
        core = outline.buffer(-120)
        if not core.is_empty:
            centre = shapely.point_on_surface(core)
            size_m = draw(st.floats(10, 100))
            outline = outline.difference(centre.buffer(size_m, quad_segs=2))
    elif kind == "two parts":
        outline = MultiPolygon([outline, shapely.affinity.translate(outline, xoff=EXTENT_M * 1.5)])
    return outline


@st.composite
def buildings_in(draw, community):
    min_x, min_y, max_x, max_y = community.bounds
    count = draw(st.integers(0, 120))
    unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
    spots = draw(st.lists(st.tuples(unit, unit), min_size=count, max_size=count, unique=True))
    households = draw(st.lists(st.integers(0, 260), min_size=count, max_size=count))
    as_footprints = draw(st.booleans())
    buildings, taken = [], []
    for index, ((u, v), h) in enumerate(zip(spots, households)):
        point = Point(min_x + u * (max_x - min_x), min_y + v * (max_y - min_y))
        # Two buildings that must go to different grids, closer than the
        # minimum grid width to each other or squeezed into a corner of the
        # outline, force a sliver (the cap wins over the width, see
        # spatial.partition); random buildings keep real-world spacing.
        # Buildings on the outline itself are a named test in test_partition.
        if not community.covers(point) or community.boundary.distance(point) < MIN_SPACING_M / 2:
            continue
        if any(point.distance(b.geometry) < MIN_SPACING_M for b in buildings):
            continue
        geometry = point
        if as_footprints:
            half_m = draw(st.floats(2.0, 12.0))
            geometry = box(point.x - half_m, point.y - half_m, point.x + half_m, point.y + half_m)
            if any(geometry.intersects(other) for other in taken):
                continue
            taken.append(geometry)
        buildings.append(BuildingInput(index, geometry, h))
    return buildings


@st.composite
def roads_across(draw, community):
    min_x, min_y, max_x, max_y = community.bounds
    count = draw(st.integers(0, 5))
    unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
    roads = []
    for _ in range(count):
        (u1, v1), (u2, v2) = draw(st.tuples(unit, unit)), draw(st.tuples(unit, unit))
        start = (min_x + u1 * (max_x - min_x), min_y)
        end = (min_x + u2 * (max_x - min_x), max_y)
        if draw(st.booleans()):
            start, end = (min_x, min_y + v1 * (max_y - min_y)), (max_x, min_y + v2 * (max_y - min_y))
        if start != end:
            roads.append(LineString([start, end]))
    return roads


@st.composite
def cases(draw):
    community = draw(communities())
    return community, draw(buildings_in(community)), draw(roads_across(community)), draw(st.sampled_from([60, 200]))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_SHRINK)
@given(cases())
def test_partition_holds_every_invariant(case):
    community, buildings, roads, target = case
    result = partition_community(community, buildings, target_households=target, cut_lines_m=roads)
    assert check_partition(community, buildings, result.grids, target) == []
    assert shapely.coverage_is_valid(result.polygons)  # shared edges identical vertex for vertex

    weights = [min(b.households, target) for b in buildings]
    needed = max(1, math.ceil(sum(weights) / target))
    # Grids are whole-building groups that must be connected, and with roads
    # whole blocks where they fit (two blocks of 150 cannot share a grid), so
    # a perfect packing is not always possible; the count stays near the minimum.
    assert needed <= len(result.grids) <= max(needed + 3, 2 * needed)
    assert result.oversize_building_ids == tuple(b.id for b in buildings if b.households > target)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_SHRINK)
@given(cases())
def test_partition_is_deterministic(case):
    community, buildings, roads, target = case
    runs = [partition_community(community, buildings, target_households=target, cut_lines_m=roads) for _ in range(2)]
    first, second = ([(shapely.to_wkb(g.polygon), g.building_ids, g.sequence) for g in r.grids] for r in runs)
    assert first == second


@st.composite
def footprint(draw, centre: Point):
    kind = draw(st.sampled_from(["rectangle", "L", "convex"]))
    width, depth = draw(st.floats(6.0, 30.0)), draw(st.floats(6.0, 20.0))
    if kind == "rectangle":
        shape = box(-width / 2, -depth / 2, width / 2, depth / 2)
    elif kind == "L":
        shape = box(-width / 2, -depth / 2, width / 2, 0).union(box(-width / 2, 0, 0, depth / 2))
    else:
        unit = st.floats(-1.0, 1.0, allow_nan=False)
        corners = draw(st.lists(st.tuples(unit, unit), min_size=3, max_size=8))
        shape = shapely.convex_hull(shapely.multipoints([(x * width / 2, y * depth / 2) for x, y in corners]))
        if shape.geom_type != "Polygon" or shape.area < 4.0:
            shape = box(-width / 2, -depth / 2, width / 2, depth / 2)
    shape = affinity.rotate(shape, draw(st.floats(0.0, 180.0)), origin=(0, 0))
    return affinity.translate(shape, centre.x, centre.y)


@st.composite
def polygon_buildings_in(draw, community):
    min_x, min_y, max_x, max_y = community.bounds
    count = draw(st.integers(1, 80))
    unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
    buildings = []
    for index in range(count):
        u, v = draw(unit), draw(unit)
        shape = draw(footprint(Point(min_x + u * (max_x - min_x), min_y + v * (max_y - min_y))))
        # Real footprints stick out of the community only by mistake; keep
        # those clipped, drop the ones that are mostly outside.
        inside = shape.intersection(community)
        if inside.area < 0.8 * shape.area or inside.geom_type != "Polygon":
            continue
        # Overlapping footprints must share a grid (each is kept whole), so a
        # pile of them could exceed any cap; neighbours may still share a wall.
        if any(inside.intersection(b.geometry).area > 0 for b in buildings):
            if draw(st.booleans()):
                continue
            inside = inside.difference(shapely.union_all([b.geometry for b in buildings]))
            if inside.geom_type != "Polygon" or inside.area < 4.0:
                continue
        buildings.append(BuildingInput(index, inside, draw(st.integers(0, 260))))
    return buildings


@st.composite
def street_network(draw, community):
    """A jittered lattice of streets, some cut short (dead ends)."""
    min_x, min_y, max_x, max_y = community.bounds
    spacing = draw(st.floats(80.0, 300.0))
    jitter = st.floats(-0.3, 0.3, allow_nan=False)
    roads = []
    for x in [min_x + spacing * (i + draw(jitter)) for i in range(1, int((max_x - min_x) / spacing) + 1)]:
        end = max_y if draw(st.booleans()) else min_y + (max_y - min_y) * draw(st.floats(0.3, 0.9))
        roads.append(LineString([(x, min_y - 1), (x + draw(jitter) * spacing, end + 1)]))
    for y in [min_y + spacing * (i + draw(jitter)) for i in range(1, int((max_y - min_y) / spacing) + 1)]:
        roads.append(LineString([(min_x - 1, y), (max_x + 1, y + draw(jitter) * spacing)]))
    return roads


@st.composite
def footprint_cases(draw):
    community = draw(st.one_of(convex_communities(), star_communities()))
    return community, draw(polygon_buildings_in(community)), draw(street_network(community)), draw(
        st.sampled_from([60, 200]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_SHRINK)
@given(footprint_cases())
def test_polygon_footprints_on_street_networks_hold_every_invariant(case):
    community, buildings, roads, target = case
    result = partition_community(community, buildings, target_households=target, cut_lines_m=roads)
    assert check_partition(community, buildings, result.grids, target) == []
    assert shapely.coverage_is_valid(result.polygons)
    assert sorted(i for g in result.grids for i in g.building_ids) == sorted(b.id for b in buildings)
