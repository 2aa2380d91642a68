"""Reads of grids: the stored grids as generation and the checker see them (PostGIS)."""

from io import StringIO

import pytest
from django.core.management import call_command

from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.selectors import stored_grids

pytestmark = pytest.mark.django_db


def as_read(grids) -> list[tuple]:
    return [(g.code, g.sequence, g.households, g.valid_from, bytes(g.polygon.wkb)) for g in grids]


def test_stored_grids_of_a_generation_or_the_active_ones_by_community_in_sequence_order(two_communities):
    west, east = two_communities
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    call_command("generate_grids", "--community", west.code, stdout=StringIO())  # inactive, west only
    second = GridGeneration.objects.order_by("id").last()
    active = Grid.objects.filter(active=True).order_by("sequence")
    assert {c: as_read(grids) for c, grids in stored_grids().items()} == {
        c: as_read(active.filter(community_id=c)) for c in (west.pk, east.pk)}
    assert list(stored_grids(community_ids=[east.pk])) == [east.pk]
    newest = stored_grids(generation=second)
    assert list(newest) == [west.pk]
    assert as_read(newest[west.pk]) == as_read(second.grids.order_by("sequence"))
