"""The one invariant checker guards storing, reporting and activating a generation (PostGIS)."""

from io import StringIO

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import Building
from gridmgmt.grids.models import Grid, GridGeneration

pytestmark = pytest.mark.django_db


def run(command, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def add_buildings(community, footprints, households=150):
    Building.objects.bulk_create([
        Building(community=community, households=households, population=households * 2, location=footprint.centroid,
                 footprint=footprint, source="test", source_id=f"b{i}") for i, footprint in enumerate(footprints)])


def square(west_lng, south_lat, side_deg=1e-4):
    return Polygon.from_bbox((west_lng, south_lat, west_lng + side_deg, south_lat + side_deg))


def test_generation_failing_its_check_is_never_stored_and_names_community_and_invariant(two_communities):
    west, _ = two_communities
    # Two footprints overlapping by a third of each (not lying on one another, so no stack): no grid edge
    # parts them, and together they are above the cap.
    add_buildings(west, [square(113.2654, 23.1254), square(113.2654 + 2e-4 / 3, 23.1254)])
    with pytest.raises(CommandError, match=r"fails its check: community 440104001001: .*; nothing stored"):
        run("generate_grids", "--all", "--activate")
    assert not GridGeneration.objects.exists() and not Grid.objects.exists()


def test_buildings_on_one_point_above_the_cap_get_a_grid_of_their_own(two_communities):
    west, _ = two_communities
    # Before: the two shared a grid with others, or with each other as two buildings, and the generation
    # was refused; buildings on one another are one stack, which is one oversize building.
    spot = Point(113.2655, 23.1255, srid=4326)
    Building.objects.bulk_create([Building(community=west, households=150, population=300, location=spot,
                                           source="test", source_id=f"twin{i}") for i in range(2)])
    out = run("generate_grids", "--all", "--activate")
    twins = set(Building.objects.filter(source_id__startswith="twin").values_list("pk", flat=True))
    assert out.count("oversize building (own grid)") == 2
    [alone] = [g for g in Grid.objects.filter(active=True) if g.households > 200]
    assert alone.households == 300
    assert set(Building.objects.filter(location__coveredby=alone.polygon).values_list("pk", flat=True)) == twins
    assert "invariants: all hold" in run("grid_report")


def test_activate_refuses_a_generation_broken_after_it_was_stored(two_communities):
    run("generate_grids", "--all")
    generation = GridGeneration.objects.get()
    grid = generation.grids.filter(community__code="440104001001").first()
    grid.polygon = grid.polygon.buffer(0.001)  # now overlaps its neighbours and leaves the community
    grid.save()
    with pytest.raises(CommandError, match="fails its check: community 440104001001.*nothing activated"):
        run("grid_activate", str(generation.pk))
    assert not Grid.objects.filter(active=True).exists()
    generation.refresh_from_db()
    assert generation.activated_at is None


def test_report_checks_an_inactive_generation_by_number(two_communities):
    run("generate_grids", "--all")
    generation = GridGeneration.objects.get()
    assert "invariants: all hold" in run("grid_report", "--generation", str(generation.pk))
    grid = generation.grids.first()
    grid.households += 1  # stored figure no longer what its buildings hold
    grid.save()
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("grid_report", "--generation", str(generation.pk), stdout=out)
    assert exit_info.value.code == 1 and f"grid {grid.code} stores" in out.getvalue()


def test_report_on_a_missing_generation_is_a_clear_error(two_communities):
    with pytest.raises(CommandError, match="no grid generation 999"):
        run("grid_report", "--generation", "999")


def test_oversize_building_grid_holds_that_building_only(two_communities):
    _, east = two_communities
    Building.objects.filter(source_id="440104001002-a0").update(households=350)
    run("generate_grids", "--community", "440104001002", "--activate")
    big = Grid.objects.get(households__gt=200)
    assert big.households == 350
    inside = [b for b in Building.objects.filter(community=east) if big.polygon.covers(b.location)]
    assert [b.source_id for b in inside] == ["440104001002-a0"]
    assert "invariants: all hold" in run("grid_report")
