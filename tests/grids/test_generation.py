"""Grid generation, codes, generations and activation against PostGIS."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from gridmgmt.areas.models import Building
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.services import GRID_COLUMNS, GridGenerationError, grid_generation_activate, grids_generate
from tests.grids.conftest import add_buildings

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_grids", *args, stdout=out)
    return out.getvalue()


def test_generation_is_inactive_until_activated(two_communities):
    generate("--all")
    assert Grid.objects.count() == 6 and not Grid.objects.filter(active=True).exists()
    generation = GridGeneration.objects.get()
    assert grid_generation_activate(generation=generation) == 6
    assert Grid.objects.filter(active=True).count() == 6


def test_stored_grids_fill_every_column_of_the_model_with_its_defaults(two_communities):
    # The store is one SQL insert, not the ORM: a field added to Grid must be added there too.
    assert set(GRID_COLUMNS) == {f.column for f in Grid._meta.concrete_fields if not f.primary_key}
    generate("--all")
    for grid in Grid.objects.all():
        grid.full_clean()
        assert (grid.active, grid.valid_from, grid.valid_to, grid.polygon.srid) == (False, None, None, 4326)


def test_codes_are_community_code_plus_two_digit_sequence(two_communities):
    generate("--all", "--activate")
    west_codes = list(Grid.objects.filter(community__code="440104001001").values_list("code", flat=True))
    # 1,000 households at 200 per grid → 5 grids, numbered 01..05.
    assert west_codes == [f"4401040010010{i}" for i in range(1, 6)]
    assert list(Grid.objects.filter(community__code="440104001002").values_list("code", flat=True)) == ["44010400100201"]
    assert all(len(code) == 14 for code in Grid.objects.values_list("code", flat=True))


def test_households_respect_the_cap_and_add_up(two_communities):
    generate("--all")
    households = list(Grid.objects.filter(community__code="440104001001").values_list("households", flat=True))
    assert max(households) <= 200 and sum(households) == 1000
    assert all(g.residents > 0 and g.area_m2 > 0 for g in Grid.objects.all())


def test_area_is_measured_on_the_spheroid(two_communities):
    generate("--community", "440104001002")
    grid = Grid.objects.get()
    # One grid covers the whole 0.01° square at 23.12° N: ≈ 1024.0 m × 1105.7 m ≈ 1.132 km².
    assert abs(grid.area_m2 - 1.132e6) < 0.005e6


def test_three_digit_sequence_gives_fifteen_digit_codes(two_communities):
    generate("--community", "440104001002", "--code-digits", "3")
    assert list(Grid.objects.values_list("code", flat=True)) == ["440104001002001"]


@override_settings(GRID_CODE_SEQUENCE_DIGITS=3)
def test_setting_switches_the_default_code_form(two_communities):
    call_command("generate_grids", "--community", "440104001002", stdout=StringIO())
    assert Grid.objects.get().code == "440104001002001"


def test_more_than_99_grids_is_refused_naming_the_community(two_communities):
    west, _ = two_communities
    add_buildings(west, count=80, households=25, x0=113.2601, y0=23.1201, size=0.009, batch="b")
    # 120 buildings of 25 households with a cap of 20: 120 one-building grids, more than 2 digits allow.
    with pytest.raises(CommandError, match="440104001001.*nothing stored"):
        generate("--community", "440104001001", "--target-households", "20")
    assert not Grid.objects.exists() and not GridGeneration.objects.exists()


def test_regenerating_one_community_keeps_the_other_and_the_old_generation(two_communities):
    west, east = two_communities
    generate("--all", "--activate")
    first = GridGeneration.objects.get()
    east_before = list(Grid.objects.filter(community=east, active=True).values_list("id", "code"))
    add_buildings(west, count=10, households=20, x0=113.2605, y0=23.1205, size=0.002, batch="b")
    generate("--community", "440104001001", "--activate")
    assert list(Grid.objects.filter(community=east, active=True).values_list("id", "code")) == east_before
    assert Grid.objects.filter(community=west, active=True).count() == 6  # 1,200 households
    assert first.grids.filter(community=west, active=False).count() == 5  # the old grids stay readable


def test_if_missing_generates_only_communities_without_active_grids(two_communities):
    generate("--community", "440104001001", "--activate")
    assert "1 communities" in generate("--all", "--activate", "--if-missing")
    assert "already has active grids" in generate("--all", "--activate", "--if-missing")


def test_oversize_building_becomes_its_own_grid_and_is_reported(two_communities):
    _, east = two_communities
    Building.objects.filter(community=east).first().__class__.objects.filter(
        source_id="440104001002-a0").update(households=350)
    output = generate("--community", "440104001002")
    assert "oversize building" in output
    assert sorted(Grid.objects.values_list("households", flat=True))[-1] == 350


def test_bad_target_is_refused():
    with pytest.raises(GridGenerationError, match="at least 1"):
        grids_generate(communities=[], target_households=0, code_digits=2)


def test_grid_report_passes_then_finds_a_broken_grid(two_communities):
    generate("--all", "--activate")
    out = StringIO()
    call_command("grid_report", stdout=out)
    assert "invariants: all hold" in out.getvalue()
    grid = Grid.objects.filter(active=True).first()
    grid.polygon = grid.polygon.buffer(0.001)  # now overlaps its neighbours and leaves the community
    grid.save()
    with pytest.raises(SystemExit) as exit_info:
        call_command("grid_report", stdout=StringIO())
    assert exit_info.value.code == 1


def test_workload_proposes_a_split_after_buildings_change(two_communities):
    west, _ = two_communities
    generate("--all", "--activate")
    grid = Grid.objects.filter(community=west, active=True).first()
    centre = grid.polygon.point_on_surface
    Building.objects.create(community=west, location=centre, households=150, source="test", source_id="new")
    out = StringIO()
    with pytest.raises(SystemExit):  # the grid is now above the cap: an invariant fails
        call_command("grid_report", "--json", stdout=out)
    workload = json.loads(out.getvalue())["workload"]
    assert {"code": grid.code, "action": "split"}.items() <= next(w for w in workload if w["code"] == grid.code).items()


def test_locate_returns_the_active_grid(client, two_communities):
    generate("--all", "--activate")
    body = client.get("/api/locate", {"lat": 23.125, "lng": 113.275}).json()
    assert body["grid"]["code"] == "44010400100201"


def test_grid_layer_lists_active_grids_and_a_chosen_generation(client, two_communities):
    generate("--all", "--activate")
    generate("--community", "440104001002")
    active = client.get("/api/grids/").json()["features"]
    assert len(active) == 6 and all(f["properties"]["active"] for f in active)
    newest = GridGeneration.objects.order_by("-id").first()
    assert len(client.get("/api/grids/", {"generation": newest.pk}).json()["features"]) == 1


@pytest.mark.parametrize(("option", "code"), [("--street", "440104\x00001"), ("--community", "44010400100\x0b"),
                                              ("--street", "４４０１０４００１"), ("--community", "4" * 10000)])
def test_a_selection_that_is_no_code_is_named_and_nothing_stored(option, code):
    # A NUL reached the community query: a ValueError traceback instead of a command error.
    with pytest.raises(CommandError, match=f"argument {option}: must be a code of"):
        call_command("generate_grids", option, code, stdout=StringIO())
    assert not GridGeneration.objects.exists()
