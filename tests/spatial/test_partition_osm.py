"""Grids on the real OSM extracts (tests/data/osm): boundaries follow roads when roads are given.

Each extract's area is the community, its buildings and households come from
the file (spatial.osm_reader), and the target is lowered so that the few
dozen households of an extract make several grids.
"""

from pathlib import Path

import pytest

from spatial.grid_quality import check_partition, road_alignment_share
from spatial.osm_reader import osm_extract_area, read_buildings, read_roads
from spatial.partition import BuildingInput, partition_community
from spatial.projection import local_metric

OSM = Path(__file__).resolve().parents[1] / "data" / "osm"
FILES = ["West-Oakland.osm.bz2", "aguascalientes.osm.bz2", "planet_10.068,48.135_10.071,48.137.osm"]
TARGET_HOUSEHOLDS = 6


def partition(name: str, with_roads: bool):
    area = osm_extract_area(OSM / name)
    to_metric, _ = local_metric(area)
    boundary_m = to_metric(area)
    buildings = []
    for b in read_buildings(OSM / name):
        geometry = to_metric(b.geometry)
        if geometry.geom_type != "Polygon" or not geometry.within(boundary_m):
            geometry = geometry.representative_point()
        if boundary_m.contains(geometry):
            buildings.append(BuildingInput(id=f"{b.osm_type}/{b.osm_id}", geometry=geometry, households=b.households))
    roads = [to_metric(r.geometry).intersection(boundary_m) for r in read_roads(OSM / name)]
    roads = [r for r in roads if not r.is_empty and r.length > 0]
    result = partition_community(boundary_m, buildings, target_households=TARGET_HOUSEHOLDS,
                                 cut_lines_m=roads if with_roads else ())
    return boundary_m, buildings, roads, result


@pytest.mark.parametrize("name", FILES)
def test_grids_on_real_extracts_hold_every_invariant(name):
    boundary_m, buildings, _, result = partition(name, with_roads=True)
    assert len(result.grids) > 1
    assert check_partition(boundary_m, buildings, result.grids, TARGET_HOUSEHOLDS) == []


@pytest.mark.parametrize("name", FILES)
def test_grid_boundaries_follow_roads_more_with_cut_lines(name):
    _, _, roads, with_roads = partition(name, with_roads=True)
    _, _, _, without_roads = partition(name, with_roads=False)
    aligned = road_alignment_share(with_roads.polygons, roads)
    baseline = road_alignment_share(without_roads.polygons, roads)
    print(f"{name}: road alignment {aligned:.2f} with cut lines, {baseline:.2f} without")
    assert aligned > baseline
