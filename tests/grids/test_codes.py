"""Grid code allocation: never reuses a code any generation ever used."""

import pytest
from django.db import transaction

from gridmgmt.grids.codes import GridCodeExhausted, grid_codes_next, grid_codes_next_many
from gridmgmt.grids.models import Grid, GridGeneration

pytestmark = pytest.mark.django_db


def store(community, sequence, *, active):
    generation = GridGeneration.objects.create(target_households=200, code_digits=2)
    return Grid.objects.create(generation=generation, community=community, code=f"{community.code}{sequence:02d}",
                               sequence=sequence, polygon=community.boundary[0], households=0, residents=0,
                               area_m2=0.0, active=active)


def test_first_codes_of_a_community_start_at_one(two_communities):
    west, _ = two_communities
    with transaction.atomic():
        assert grid_codes_next(community=west, count=2, code_digits=2) == [
            (1, "44010400100101"), (2, "44010400100102")]


def test_retired_inactive_code_is_never_reused(two_communities):
    west, east = two_communities
    store(west, 7, active=False)  # retired: only an old generation holds it
    store(east, 30, active=True)  # another community's sequences do not matter
    with transaction.atomic():
        assert grid_codes_next(community=west, count=1, code_digits=2) == [(8, "44010400100108")]


def test_reserved_sequences_of_the_same_transaction_are_skipped(two_communities):
    west, _ = two_communities
    store(west, 3, active=True)
    with transaction.atomic():
        assert grid_codes_next(community=west, count=1, code_digits=3, reserved=5) == [(6, "440104001001006")]


def test_exhausted_two_digit_sequence_names_the_community_and_the_remedy(two_communities):
    west, _ = two_communities
    store(west, 98, active=False)
    with transaction.atomic(), pytest.raises(GridCodeExhausted, match="440104001001.*--code-digits 3"):
        grid_codes_next(community=west, count=2, code_digits=2)



def test_many_communities_each_continue_their_own_sequence_in_two_queries(two_communities,
                                                                          django_assert_num_queries):
    west, east = two_communities
    store(west, 7, active=False)
    with transaction.atomic(), django_assert_num_queries(2):  # the row locks, the highest sequences
        assert grid_codes_next_many(counts=[(west, 2), (east, 1)], code_digits=2) == [
            [(8, "44010400100108"), (9, "44010400100109")], [(1, "44010400100201")]]


def test_many_communities_exhausted_names_the_community_that_overflows(two_communities):
    west, east = two_communities
    store(east, 99, active=False)
    with transaction.atomic(), pytest.raises(GridCodeExhausted, match="440104001002 .*--code-digits 3"):
        grid_codes_next_many(counts=[(west, 5), (east, 1)], code_digits=2)
