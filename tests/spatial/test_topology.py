from shapely.geometry import box

from spatial.topology import area_outside_m2, overlapping_pairs


def test_child_within_tolerance_counts_nothing_outside():
    parent = box(0, 0, 100, 100)
    assert area_outside_m2(box(-2, 0, 50, 50), parent, tolerance_m=5) == 0


def test_child_beyond_tolerance_reports_area_outside():
    # 20 m beyond the parent on a 50 m edge; 5 m tolerated → 15 × 50 = 750 m² outside.
    outside = area_outside_m2(box(-20, 0, 50, 50), box(0, 0, 100, 100), tolerance_m=5)
    assert abs(outside - 750) < 1e-6


def test_siblings_sharing_an_edge_do_not_overlap():
    assert overlapping_pairs([("a", box(0, 0, 10, 10)), ("b", box(10, 0, 20, 10))], 1.0) == []


def test_overlapping_siblings_are_named_with_their_shared_area():
    pairs = overlapping_pairs(
        [("a", box(0, 0, 10, 10)), ("b", box(8, 0, 20, 10)), ("c", box(30, 30, 40, 40))], 1.0
    )
    assert pairs == [("a", "b", 20.0)]
