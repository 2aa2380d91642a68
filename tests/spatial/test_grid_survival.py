"""Which grids survive a regeneration (metres; hand-checkable boxes)."""

from shapely.geometry import Point, box

from spatial.grid_survival import grid_of_each, surviving

WEST, EAST = box(0, 0, 100, 100), box(100, 0, 200, 100)


def test_same_buildings_and_nearly_the_same_shape_survive():
    old = [(WEST, frozenset({1})), (EAST, frozenset({2}))]
    # West cut again exactly; east moved its edge 5 m west: IoU 100·100 / 105·100 = 0.952 >= 0.9.
    new = [(box(0, 0, 100, 100), frozenset({1})), (box(95, 0, 200, 100), frozenset({2}))]
    assert surviving(old, new) == {0: 0, 1: 1}


def test_other_buildings_or_a_shape_below_the_threshold_do_not_survive():
    old = [(WEST, frozenset({1})), (EAST, frozenset({2}))]
    # West keeps its shape but gained a building; east shrank to half: IoU 0.5.
    new = [(WEST, frozenset({1, 3})), (box(150, 0, 200, 100), frozenset({2}))]
    assert surviving(old, new) == {}
    assert surviving(old, new[1:], min_same_shape=0.5) == {0: 1}


def test_an_old_grid_survives_in_one_new_grid_only_the_first():
    old = [(WEST, frozenset({1}))]
    assert surviving(old, [(WEST, frozenset({1})), (WEST, frozenset({1}))]) == {0: 0}
    assert surviving(old, []) == {} and surviving([], old) == {}


def test_grid_of_each_building_by_its_representative_point():
    owners = grid_of_each([WEST, EAST], [Point(50, 50), box(90, 10, 130, 20), Point(300, 0)])
    assert owners.tolist() == [0, 1, -1]  # the footprint's point on surface lies east of the seam
