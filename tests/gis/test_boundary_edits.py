"""Boundary edits of the GIS editor (gridmgmt.gis.boundary_edits) on two communities sharing lng 113.27."""

from datetime import date

import pytest
import shapely
from shapely.geometry import Polygon, box

from gridmgmt.areas.models import BoundaryVersion, Community
from gridmgmt.gis.boundary_edits import BoundaryEditRefused, boundary_edit, boundary_edit_plan
from gridmgmt.gis.models import ChangeRecord

# West pushed 0.002° (≈200 m) east into its neighbour.
WEST_WIDER = box(113.26, 23.12, 113.272, 23.13)


def _geom(area) -> shapely.Geometry:
    return shapely.from_wkb(bytes(Community.objects.get(pk=area.pk).boundary.wkb))


def test_overlapping_edit_is_refused_with_the_overlap_and_nothing_saved(two_communities):
    d = two_communities
    with pytest.raises(BoundaryEditRefused) as refused:
        boundary_edit(user=d.gis, based_on_version=1, level="community", code=d.west.code, geometry=WEST_WIDER, reason="survey")
    (overlap,) = [p for p in refused.value.plan.problems if p.kind == "overlap"]
    assert overlap.geometry.equals(box(113.27, 23.12, 113.272, 23.13))
    assert d.east.code in overlap.reason
    assert _geom(d.west).equals(box(113.26, 23.12, 113.27, 23.13))
    assert BoundaryVersion.objects.filter(code=d.west.code).count() == 1
    assert not ChangeRecord.objects.exists()


def test_neighbour_follows_a_moved_shared_edge_both_saved_as_new_versions(two_communities):
    d = two_communities
    plan = boundary_edit(user=d.gis, based_on_version=1, level="community", code=d.west.code, geometry=WEST_WIDER, reason="survey",
                         valid_from=date(2026, 12, 1), neighbours_follow=True)
    assert plan.neighbours == [d.east.code]
    assert _geom(d.west).equals(WEST_WIDER)
    assert _geom(d.east).equals(box(113.272, 23.12, 113.28, 23.13))
    for area in (d.west, d.east):
        current = BoundaryVersion.objects.get(code=area.code, valid_to__isnull=True)
        assert (current.version, current.valid_from) == (2, date(2026, 12, 1))
    record = ChangeRecord.objects.get()
    assert (record.user, record.action, record.reason, record.codes) == (d.gis, "edit", "survey",
                                                                         [d.west.code, d.east.code])
    assert set(record.before) == set(record.after) == {d.west.code, d.east.code}


def test_neighbour_takes_the_land_given_up_when_the_edge_moves_back(two_communities):
    d = two_communities
    narrower = box(113.26, 23.12, 113.268, 23.13)
    plan = boundary_edit_plan(level="community", code=d.west.code, geometry=narrower, neighbours_follow=True)
    assert plan.problems == []
    assert plan.geometries[d.east.code].equals(box(113.268, 23.12, 113.28, 23.13))


def test_giving_up_land_without_the_neighbour_leaves_a_gap_that_is_refused(two_communities):
    d = two_communities
    plan = boundary_edit_plan(level="community", code=d.west.code, geometry=box(113.26, 23.12, 113.268, 23.13))
    (gap,) = plan.problems
    assert gap.kind == "gap" and gap.geometry.equals(box(113.268, 23.12, 113.27, 23.13))


def test_edit_outside_the_street_is_refused_with_the_part_outside(two_communities):
    d = two_communities
    plan = boundary_edit_plan(level="community", code=d.west.code, geometry=box(113.258, 23.12, 113.27, 23.13))
    (outside,) = plan.problems
    assert outside.kind == "outside_parent" and d.street.code in outside.reason
    assert outside.geometry.bounds[0] == pytest.approx(113.258)


def test_self_intersecting_ring_is_refused_at_the_crossing(two_communities):
    d = two_communities
    bowtie = Polygon([(113.26, 23.12), (113.27, 23.13), (113.27, 23.12), (113.26, 23.13)])
    plan = boundary_edit_plan(level="community", code=d.west.code, geometry=bowtie)
    (invalid,) = plan.problems
    assert invalid.kind == "invalid" and "Self-intersection" in invalid.reason
    assert invalid.geometry.distance(shapely.Point(113.265, 23.125)) < 1e-9


def test_street_edit_leaving_a_community_outside_is_refused(two_communities):
    d = two_communities
    plan = boundary_edit_plan(level="street", code=d.street.code, geometry=box(113.26, 23.12, 113.275, 23.13))
    assert "child_outside" in {p.kind for p in plan.problems}


def test_an_edit_that_swallows_the_neighbour_is_refused_and_nothing_saved(two_communities):
    # West drawn over both squares with neighbours following: east would keep no land at all (it was
    # saved as MULTIPOLYGON EMPTY, its grids and buildings in no community).
    d = two_communities
    with pytest.raises(BoundaryEditRefused) as refused:
        boundary_edit(user=d.gis, based_on_version=1, level="community", code=d.west.code, geometry=box(113.26, 23.12, 113.28, 23.13),
                      reason="survey", valid_from=date(2026, 12, 1), neighbours_follow=True)
    (swallowed,) = [p for p in refused.value.plan.problems if p.kind == "swallowed"]
    assert d.east.code in swallowed.reason and swallowed.geometry.equals(box(113.27, 23.12, 113.28, 23.13))
    assert _geom(d.east).equals(box(113.27, 23.12, 113.28, 23.13))
    assert BoundaryVersion.objects.count() == 2 and not ChangeRecord.objects.exists()


def test_the_import_core_refuses_an_empty_boundary_from_any_caller(two_communities):
    from shapely.geometry import MultiPolygon

    from gridmgmt.areas.boundary_reader import BoundaryRecord
    from gridmgmt.areas.services import BoundaryImportRefused, boundaries_save
    d = two_communities
    record = BoundaryRecord(index=1, code=d.east.code, name=d.east.name, name_en="", parent_code=d.street.code,
                            geometry=MultiPolygon())
    with pytest.raises(BoundaryImportRefused, match="no land left"):
        boundaries_save(records=[record], level="community", valid_from=date(2026, 12, 1))
    assert _geom(d.east).equals(box(113.27, 23.12, 113.28, 23.13))
