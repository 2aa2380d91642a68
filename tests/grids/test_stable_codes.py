"""Codes across regeneration: survivors keep theirs, changed grids get new ones, none is ever reused."""

from io import StringIO

import pytest
from django.core.management import call_command

from gridmgmt.areas.models import Building
from gridmgmt.grids.models import Grid

pytestmark = pytest.mark.django_db


def regenerate(community_code: str) -> None:
    call_command("generate_grids", "--community", community_code, "--activate", stdout=StringIO())


def active(community):
    return {g.code: g for g in Grid.objects.filter(community=community, active=True)}


def test_unchanged_community_keeps_every_code_and_start_date(two_communities):
    west, _ = two_communities
    regenerate(west.code)
    before = active(west)
    regenerate(west.code)
    after = active(west)
    assert set(after) == set(before)
    assert all(after[c].valid_from == before[c].valid_from and after[c].pk != before[c].pk for c in after)
    # The replaced rows stay, closed: events and cases made in them keep their grid.
    assert all(Grid.objects.get(pk=g.pk).valid_to is not None for g in before.values())


def test_changed_grids_get_new_codes_and_retired_codes_never_return(two_communities):
    west, _ = two_communities
    regenerate(west.code)
    first = active(west)
    # Half the buildings of the community double their households: the grids must change.
    changed = Building.objects.filter(community=west).order_by("id")[:20]
    Building.objects.filter(pk__in=[b.pk for b in changed]).update(households=50)
    regenerate(west.code)
    second = active(west)
    kept = set(first) & set(second)
    new = set(second) - set(first)
    assert new and all(int(code[-2:]) > 5 for code in new)  # above every sequence used before
    for code in kept:  # a survivor holds exactly the buildings it held
        assert first[code].households == second[code].households
    retired = set(first) - set(second)
    regenerate(west.code)
    ever = set(Grid.objects.filter(community=west).values_list("code", flat=True))
    third = active(west)
    assert not (set(third) & retired)
    assert len(ever) == len(set(Grid.objects.filter(community=west).values_list("sequence", flat=True)))


def test_other_community_codes_untouched_by_a_neighbours_regeneration(two_communities):
    west, east = two_communities
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    east_before = {(g.code, g.pk) for g in Grid.objects.filter(community=east, active=True)}
    regenerate(west.code)
    assert {(g.code, g.pk) for g in Grid.objects.filter(community=east, active=True)} == east_before
