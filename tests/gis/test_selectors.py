"""Reads of the GIS editor (gridmgmt.gis.selectors) on two gridded communities sharing lng 113.27."""

from datetime import timedelta

import pytest

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import Building, Community
from gridmgmt.gis.corrections import correction_decide, correction_propose
from gridmgmt.gis.selectors import communities_with_stale_grids, corrections_map, corrections_recently_accepted
from gridmgmt.grids.models import Grid
from tests.gis.district import make_user


def _move_boundary(community, min_lng, max_lng):
    Community.objects.filter(pk=community.pk).update(
        boundary=MultiPolygon(Polygon.from_bbox((min_lng, 23.12, max_lng, 23.13)), srid=4326))


def test_grids_cut_from_the_boundary_are_not_stale(gridded):
    assert communities_with_stale_grids() == []


def test_a_moved_boundary_makes_the_communitys_grids_stale(gridded):
    # 0.002° × 0.01° ≈ 205 m × 1113 m: far above the 50 m² tolerance.
    _move_boundary(gridded.west, 113.26, 113.272)
    assert [c.code for c in communities_with_stale_grids()] == [gridded.west.code]
    assert communities_with_stale_grids(codes=[gridded.east.code]) == []


def test_a_move_below_the_topology_tolerance_is_float_dust_not_stale(gridded, settings):
    # 1e-7° × 0.01° ≈ 0.01 m × 1113 m ≈ 11 m², under TOPOLOGY_OVERLAP_TOLERANCE_M2 = 50.
    settings.TOPOLOGY_OVERLAP_TOLERANCE_M2 = 50.0
    _move_boundary(gridded.west, 113.26, 113.2700001)
    assert communities_with_stale_grids() == []


def test_a_community_without_active_grids_is_not_listed(gridded):
    Grid.objects.filter(community=gridded.west).update(active=False)
    _move_boundary(gridded.west, 113.26, 113.272)
    assert communities_with_stale_grids() == []


def test_corrections_map_places_a_building_correction_on_its_building(gridded):
    (grid,) = Grid.objects.active().filter(community=gridded.east)
    worker = make_user("worker", Role.GRID_WORKER, grid_code=grid.code)
    building = Building.objects.filter(community=gridded.east).order_by("id").first()
    proposed = correction_propose(user=worker, kind="use", building_id=building.pk, use="office")
    (feature,) = corrections_map([proposed])["features"]
    assert feature["geometry"]["coordinates"] == pytest.approx([building.location.x, building.location.y])
    assert feature["properties"] == {"id": proposed.pk, "kind": "use", "role": "proposed"}


def test_recently_accepted_corrections_are_counted_per_grid_and_kind(gridded):
    (grid,) = Grid.objects.active().filter(community=gridded.east)
    worker = make_user("worker", Role.GRID_WORKER, grid_code=grid.code)
    buildings = list(Building.objects.filter(community=gridded.east).order_by("id")[:3])
    for building in buildings:
        proposed = correction_propose(user=worker, kind="households", building_id=building.pk, households=12)
        correction_decide(user=gridded.gis, correction_id=proposed.pk, accept=True)
    rejected = correction_propose(user=worker, kind="use", building_id=buildings[0].pk, use="office")
    correction_decide(user=gridded.gis, correction_id=rejected.pk, accept=False)
    assert corrections_recently_accepted() == [{"grid": grid.code, "kind": "households",
                                                "label": "Households of a building", "count": 3}]
    assert corrections_recently_accepted(since=timezone.now() + timedelta(seconds=1)) == []
