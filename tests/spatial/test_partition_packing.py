"""The packing search behind the bisection's feasibility (spatial.packing)."""

import numpy as np

from spatial.packing import Packer


def test_a_row_of_buildings_packs_into_full_grids():
    xy = np.column_stack([np.arange(10) * 20.0, np.zeros(10)])
    packer = Packer(xy, np.full(10, 100.0), 200)
    assert packer.packs(np.arange(10), 5)
    order, k, n_a, _ = packer.first_cut(np.arange(10), 5)
    # Side a holds a multiple of 200 households within its planned grids.
    assert np.full(10, 100.0)[order[:k]].sum() <= 200 * n_a


def test_buildings_that_cannot_share_a_grid_need_one_each():
    xy = np.array([[0.0, 0.0], [50.0, 0.0], [0.0, 50.0]])
    packer = Packer(xy, np.full(3, 150.0), 200)
    assert not packer.packs(np.arange(3), 2)
    assert packer.packs(np.arange(3), 3)
    assert packer.first_cut(np.arange(3), 2) is None


def test_buildings_at_the_same_point_are_never_separated():
    xy = np.zeros((2, 2))
    packer = Packer(xy, np.full(2, 150.0), 200)
    assert not packer.packs(np.arange(2), 2)


def test_candidate_cuts_are_distinct_and_the_first_packs():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 500, (40, 2))
    weight = rng.integers(6, 101, 40).astype(float)
    packer = Packer(xy, weight, 200)
    members = np.arange(40)
    n = int(np.ceil(weight.sum() / 200)) + 1
    cuts = packer.candidate_cuts(members, n, 4)
    assert len(cuts) == 4
    assert len({(direction, k) for _, k, _, direction in cuts}) == len(cuts)
    order, k, n_a, _ = cuts[0]
    assert packer.packs(np.sort(order[:k]), n_a) and packer.packs(np.sort(order[k:]), n - n_a)
    for order, k, n_a, _ in cuts:
        # Every candidate leaves each side within its grids' total cap.
        assert weight[order[:k]].sum() <= 200 * n_a and weight[order[k:]].sum() <= 200 * (n - n_a)


def test_no_candidate_cuts_when_nothing_packs():
    packer = Packer(np.zeros((2, 2)), np.full(2, 150.0), 200)
    assert packer.candidate_cuts(np.arange(2), 2, 4) == []


def test_a_pile_above_the_cap_on_one_point_never_packs_and_is_answered_at_once():
    """Two 150-household buildings on one point cannot be parted by any cut: no number of grids holds them.

    Before, every such question spent the whole search budget (42 s for one community).
    """
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [50.0, 0.0], [100.0, 0.0]])
    packer = Packer(xy, np.array([150.0, 150.0, 10.0, 10.0]), target_households=200)
    assert not packer.packs(np.arange(4), 4)
    assert packer.packs(np.array([2, 3]), 1)  # the rest still packs
    assert packer.searches == 0  # refused before any search


def test_split_packs_answers_as_packs_on_both_sides_of_some_plan():
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 400, (30, 2))
    weight = rng.integers(10, 90, 30).astype(float)
    members_a, members_b = np.arange(0, 30, 2), np.arange(1, 30, 2)
    n = int(np.ceil(weight.sum() / 200)) + 1
    plans = tuple(range(1, n))
    expected = [Packer(xy, weight, 200).packs(members_a, n_a) and Packer(xy, weight, 200).packs(members_b, n - n_a)
                for n_a in plans]
    assert any(expected)  # the case asks something: a plan that packs exists
    packer = Packer(xy, weight, 200)
    assert packer.split_packs(members_a, members_b, n, plans)
    # Only plans that do not pack: no.
    failing = tuple(n_a for n_a, fits in zip(plans, expected) if not fits)
    assert failing and not Packer(xy, weight, 200).split_packs(members_a, members_b, n, failing)
