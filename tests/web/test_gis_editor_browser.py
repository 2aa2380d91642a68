"""The GIS editor in headless Chromium as the gis user (issue 13's "Done when", one test each): a boundary
edit with the neighbour following, an overlapping edit refused with the overlap drawn, a grid split and two
grids merged with ``grid_report`` passing, the shared edge of two grids redrawn, a community regenerated
with the proposal beside its grids, activated and undone (also from the list of communities left on an old
boundary), a worker's household correction accepted, a new component and a building's use sent from the
phone and decided with photo and map, a file imported through the dry run. The bad input of the issue:
a self-intersecting ring, a gap and a part outside the street drawn with their reasons, a split line that
misses its grid, a file in an unknown CRS; nothing saved. Boundary vertices are dragged and lines drawn
with the mouse (Geoman); grids are selected through their layers' click; the rest is the page's own
buttons and requests. Screenshots in artifacts/screenshots/.
"""

import io
import json

import pytest
import shapely
from django.contrib.gis.geos import Point
from django.core.management import call_command
from shapely.geometry import LineString

from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import BoundaryVersion, Building, Community
from gridmgmt.events.models import BigClass, Component, SmallClass
from gridmgmt.gis.models import BaseDataCorrection, ChangeRecord
from gridmgmt.grids.editing import grid_split
from gridmgmt.grids.models import Grid
from gridmgmt.grids.services import grids_generate
from tests.gis.district import add_lattice, build_two_communities, make_user
from tests.web.conftest import DESKTOP, png_bytes

pytestmark = pytest.mark.browser

@pytest.fixture
def district(transactional_db):
    return build_two_communities()


def _open_editor(page, code):
    page.goto("/gis/")
    page.wait_for_selector("body[data-gis-ready='1']")
    page.get_by_test_id("boundary-code").fill(code)
    page.get_by_test_id("boundary-edit").click()
    page.wait_for_selector("path.layer-edit")


# A vertex handle of Geoman (not a middle marker) at viewport point [x, y]: ready to be grabbed.
VERTEX_AT = ("([x, y]) => { const el = document.elementFromPoint(x, y);"
             " return !!el && el.classList.contains('marker-icon') && !el.classList.contains('marker-icon-middle'); }")


def _pixel(page, lat, lng):
    """The viewport point of (lat, lng) on the editor's map."""
    frame = page.locator("#gis-map").bounding_box()
    x, y = page.evaluate("([lat, lng]) => { const p = window.gisEditor.map.latLngToContainerPoint([lat, lng]);"
                         " return [p.x, p.y]; }", [lat, lng])
    return frame["x"] + x, frame["y"] + y


def _drag_vertex(page, lat, lng, to_lat, to_lng):
    """Drags the boundary vertex at (lat, lng) to (to_lat, to_lng) with the mouse, as a hand would.

    Geoman draws its vertex handles again after a drag ends; the handle is grabbed only once it is
    there, and the drag is over only once a handle stands at the new place (a fast run once grabbed a
    stale handle and moved nothing). Leaflet moves a dragged handle on the next animation frame, and a
    release before that frame drops the last move: on a loaded machine the vertex stopped one step
    short. So the button is released only once the handle is under the pointer.
    """
    start, end = _pixel(page, lat, lng), _pixel(page, to_lat, to_lng)
    frame = page.locator("#gis-map").bounding_box()
    for x, y in (start, end):  # a point off the map would drag nothing
        assert frame["x"] < x < frame["x"] + frame["width"] and frame["y"] < y < frame["y"] + frame["height"]
    page.wait_for_function(VERTEX_AT, arg=list(start))
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.wait_for_function(VERTEX_AT, arg=list(end))
    page.mouse.up()
    page.wait_for_function(VERTEX_AT, arg=list(end))


def _drag_east_edge(page, to_lng):
    """Drags west's two eastern vertices (lng 113.27) to ``to_lng``."""
    for lat in (23.13, 23.12):
        _drag_vertex(page, lat, 113.27, lat, to_lng)


def _west_widened_into_east(district, page_as, neighbours_follow: bool):
    """The editor on west with its east edge dragged 0.002° into east and a reason given, not yet saved."""
    page = page_as(district.gis, viewport=DESKTOP)
    _open_editor(page, district.west.code)
    _drag_east_edge(page, 113.272)
    if neighbours_follow:
        page.get_by_test_id("neighbours-follow").check()
    page.get_by_test_id("boundary-reason").fill("survey 2026")
    return page


def test_community_boundary_edited_with_the_neighbour_following(district, page_as, screenshot):
    page = _west_widened_into_east(district, page_as, neighbours_follow=True)
    page.get_by_test_id("boundary-check").click()
    page.wait_for_function("document.querySelector('[data-testid=boundary-status]').textContent.includes('440104001002')")
    screenshot(page, "gis-boundary-neighbour-follows")
    page.get_by_test_id("boundary-save").click()
    page.wait_for_function("document.querySelector('[data-testid=boundary-status]').textContent.includes('440104001001, 440104001002')")
    east = shapely.from_wkb(bytes(Community.objects.get(code=district.east.code).boundary.wkb))
    assert east.bounds == pytest.approx((113.272, 23.12, 113.28, 23.13))
    assert BoundaryVersion.objects.filter(code=district.east.code, valid_to__isnull=True).get().version == 2
    assert ChangeRecord.objects.get().user == district.gis
    assert page.context.blocked == []


def test_valid_from_before_the_current_version_refused_saying_so(district, page_as, screenshot):
    page = _west_widened_into_east(district, page_as, neighbours_follow=True)
    page.locator("#boundary-valid-from").fill("0001-01-01")
    with page.expect_response("**/gis/api/boundaries/save/") as saved:
        page.get_by_test_id("boundary-save").click()
    assert saved.value.status == 400
    # The date is what is wrong, said in the page's language (Chinese by default); not 'topology problems'.
    page.wait_for_function("document.querySelector('[data-testid=boundary-status]').textContent.includes("
                           "'生效日期 0001-01-01 早于')")
    assert "拓扑" not in page.get_by_test_id("boundary-status").text_content()
    screenshot(page, "gis-boundary-valid-from-too-early")
    assert BoundaryVersion.objects.filter(code=district.west.code).count() == 1


def test_overlapping_edit_refused_with_the_overlap_drawn(district, page_as, screenshot):
    page = _west_widened_into_east(district, page_as, neighbours_follow=False)
    page.get_by_test_id("boundary-save").click()
    overlap = page.locator("[data-testid=boundary-problems] li[data-kind=overlap]")
    overlap.wait_for()
    assert "440104001002" in overlap.text_content()
    assert page.locator("path.layer-problem").count() == 1
    screenshot(page, "gis-boundary-overlap-refused")
    assert BoundaryVersion.objects.filter(code=district.west.code).count() == 1


def _draw_line(page, latlngs):
    """Draws a line with Geoman's line tool: a click per vertex, the last one clicked again to finish."""
    page.get_by_test_id("grid-draw-line").click()
    # The button may lie below the fold: the whole map back in view before clicking on it.
    page.locator("#gis-map").evaluate("(el) => el.scrollIntoView({ block: 'center' })")
    frame = page.locator("#gis-map").bounding_box()
    points = [page.evaluate("(ll) => { const p = window.gisEditor.map.latLngToContainerPoint(ll); return [p.x, p.y]; }",
                            list(ll)) for ll in latlngs]
    for x, y in [*points, points[-1]]:
        page.mouse.click(frame["x"] + x, frame["y"] + y)
    page.wait_for_function("window.gisEditor.state.splitLine !== null")


def _select_grid(page, code):
    page.evaluate("(code) => window.gisEditor.map.eachLayer((l) => { if (l.feature && l.feature.properties"
                  " && l.feature.properties.code === code && l.feature.properties.households !== undefined)"
                  " l.fire('click'); })", code)


def _click_grid_edit(page, test_id):
    """Clicks a grid edit's button and waits for the workload refresh every stored edit ends with
    (a request still running when the test's database is emptied deadlocks with it)."""
    with page.expect_response("**/gis/api/workload/"):
        page.get_by_test_id(test_id).click()


def test_grid_split_by_a_line_then_the_halves_merged_with_the_check_passing(district, page_as, screenshot):
    add_lattice(district.west, x0=113.26, households=10)
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.west, district.east], target_households=200, code_digits=2, activate=True)
    (only,) = Grid.objects.active().filter(community=district.east)
    page = _editor(page_as, district)
    _select_grid(page, only.code)
    # A north-south line between the lattice's first and second columns, beyond the grid on both sides.
    _draw_line(page, [(23.119, 113.2738), (23.131, 113.2738)])
    page.get_by_test_id("grid-reason").fill("two teams")
    page.get_by_test_id("grid-split").click()
    page.wait_for_function("document.querySelector('[data-testid=grid-status]').textContent.includes('"
                           + only.code + "')")
    halves = sorted(g.code for g in Grid.objects.active().filter(community=district.east))
    assert len(halves) == 2 and only.code not in halves
    assert _grid_report_ok()
    screenshot(page, "gis-grid-split")
    # The workload monitor suggests merging the two small halves; its button selects the pair here.
    page.get_by_test_id(f"workload-{halves[0]}").click()
    assert sorted(page.get_by_test_id("grid-selection").text_content().split(", ")) == halves
    page.get_by_test_id("grid-reason").fill("one team again")
    _click_grid_edit(page, "grid-merge")
    # The selection empties once the edit is stored (a refused edit keeps it).
    page.wait_for_function("document.querySelector('[data-testid=grid-selection]').textContent === '–'")
    (merged,) = Grid.objects.active().filter(community=district.east)
    assert merged.code not in halves + [only.code] and merged.households == 90
    assert _grid_report_ok()
    assert list(ChangeRecord.objects.order_by("at").values_list("action", flat=True)) == ["split", "merge"]
    screenshot(page, "gis-grid-merged")


def test_split_line_drawn_from_one_neighbour_grid_to_another_keeps_the_chosen_grid(district, page_as, screenshot):
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.east], target_households=200, code_digits=2, activate=True)
    # East in three columns of grids (lattice columns at lng 113.2725, 113.275, 113.2775).
    (only,) = Grid.objects.active().filter(community=district.east)
    grid_split(grid=only, line=LineString([(113.274, 23.119), (113.274, 23.131)]))
    wide = Grid.objects.active().filter(community=district.east).order_by("-households").first()
    grid_split(grid=wide, line=LineString([(113.2765, 23.119), (113.2765, 23.131)]))
    middle = Grid.objects.active().get(community=district.east, polygon__contains=Point(113.275, 23.125, srid=4326))
    page = _editor(page_as, district)
    # Nothing accepted from the field yet: the workload monitor says so under its heading.
    page.get_by_test_id("workload-corrections-none").wait_for()
    _select_grid(page, middle.code)
    # West to east between the lattice's rows: the line starts in the west column's grid and ends in the
    # east column's; those clicks place the line's vertices and leave the selection alone.
    _draw_line(page, [(23.12625, 113.2730), (23.12625, 113.2780)])
    assert page.get_by_test_id("grid-selection").text_content() == middle.code
    page.get_by_test_id("grid-reason").fill("two teams")
    _click_grid_edit(page, "grid-split")
    _grid_status_says(page, middle.code)
    assert not Grid.objects.active().filter(pk=middle.pk).exists()
    pieces = Grid.objects.active().filter(community=district.east).order_by("households")
    assert [g.households for g in pieces] == [10, 20, 30, 30]
    assert _grid_report_ok()
    screenshot(page, "gis-grid-split-line-over-neighbours")


def _editor(page_as, district):
    """The GIS editor at desk size, signed in as the gis user, once its layers are drawn."""
    page = page_as(district.gis, viewport=DESKTOP)
    page.goto("/gis/")
    page.wait_for_selector("body[data-gis-ready='1']")
    return page


def _east_in_halves(district) -> tuple[str, list[str]]:
    """East's 9 × 10 households gridded, then split: the lattice's first column (lng 113.2725, 30 households)
    | the other two (60 households). Returns the whole grid's code (retired) and the halves' codes."""
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.east], target_households=200, code_digits=2, activate=True)
    (only,) = Grid.objects.active().filter(community=district.east)
    grid_split(grid=only, line=LineString([(113.274, 23.119), (113.274, 23.131)]))
    return only.code, sorted(Grid.objects.active().filter(community=district.east).values_list("code", flat=True))


def test_community_regenerated_with_the_proposal_beside_activated_then_undone(district, page_as, screenshot):
    whole, halves = _east_in_halves(district)
    page = _editor(page_as, district)
    page.get_by_test_id("boundary-code").fill(district.east.code)
    page.get_by_test_id("grid-propose").click()
    page.locator("[data-testid=proposal-table] tbody tr").first.wait_for()
    # 90 households fit one grid: both halves' codes retire, one new code.
    assert page.locator("[data-testid=proposal-table] tr[data-code]").count() == 3
    assert sorted(Grid.objects.active().filter(community=district.east).values_list("code", flat=True)) == halves
    screenshot(page, "gis-grid-regenerate-proposal")
    page.get_by_test_id("grid-reason").fill("rebalance")
    page.get_by_test_id("grid-activate").click()
    page.wait_for_function("document.querySelector('[data-testid=grid-activate]').disabled")
    (regenerated,) = Grid.objects.active().filter(community=district.east)
    assert regenerated.code not in halves + [whole] and regenerated.households == 90
    page.get_by_test_id("grid-reason").fill("too early")
    with page.expect_response("**/gis/api/grids/undo/") as undo, page.expect_response("**/gis/api/workload/"):
        page.get_by_test_id("grid-undo").click()
    assert undo.value.status == 200
    assert sorted(Grid.objects.active().filter(community=district.east).values_list("code", flat=True)) == halves


def test_workers_household_correction_accepted_and_the_grids_households_updated(district, page_as, screenshot):
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.east], target_households=200, code_digits=2, activate=True)
    (grid,) = Grid.objects.active().filter(community=district.east)
    worker = make_user("worker", Role.GRID_WORKER, grid_code=grid.code)
    building = Building.objects.filter(community=district.east).order_by("id").first()
    phone = page_as(worker)
    phone.goto("/gis/field/")
    phone.get_by_test_id("correction-building").select_option(str(building.pk))
    phone.get_by_test_id("correction-households").fill("24")
    phone.get_by_test_id("correction-note").fill("counted door to door")
    phone.get_by_test_id("correction-send").click()
    phone.wait_for_url("**/gis/field/")
    phone.locator(".message.success").wait_for()
    (correction,) = BaseDataCorrection.objects.all()
    desk = page_as(district.gis, viewport=DESKTOP)
    desk.goto("/gis/corrections/")
    screenshot(desk, "gis-correction-pending")
    desk.get_by_test_id(f"accept-{correction.pk}").click()
    desk.get_by_test_id("no-corrections").wait_for()
    assert Grid.objects.get(pk=grid.pk).households == 90 - 10 + 24
    assert Building.objects.get(pk=building.pk).households_source == "count"


def test_file_imported_through_the_dry_run(district, page_as, screenshot, tmp_path):
    path = tmp_path / "east.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "code": district.east.code, "name": "东社区", "parent": district.street.code}, "geometry": {
        "type": "Polygon", "coordinates": [[[113.27, 23.12], [113.28, 23.12], [113.28, 23.125], [113.27, 23.125],
                                            [113.27, 23.12]]]}}]}))
    page = page_as(district.gis, viewport=DESKTOP)
    page.goto("/gis/")
    page.get_by_test_id("link-import").click()
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-parent-field").fill("parent")
    page.get_by_test_id("import-dry-run").click()
    assert district.east.code in page.locator("[data-testid=import-result] li[data-kind=updated]").text_content()
    assert BoundaryVersion.objects.filter(code=district.east.code).count() == 1  # a dry run writes nothing
    screenshot(page, "gis-import-dry-run")
    page.get_by_test_id("import-confirm").click()
    page.locator("[data-testid=import-result] li[data-kind=updated]").wait_for()
    assert BoundaryVersion.objects.filter(code=district.east.code).count() == 2


def _grid_report_ok() -> bool:
    """What ``manage.py grid_report`` says of the active grids (it exits 1 when an invariant fails)."""
    out = io.StringIO()
    call_command("grid_report", "--json", "--target-households", "200", stdout=out)
    return json.loads(out.getvalue())["ok"]


def _grid_status_says(page, text):
    page.wait_for_function("(text) => document.querySelector('[data-testid=grid-status]').textContent.includes(text)",
                           arg=text)


def test_shared_edge_of_two_grids_redrawn_with_new_codes_and_the_check_passing(district, page_as, screenshot):
    whole, halves = _east_in_halves(district)
    page = _editor(page_as, district)
    for code in halves:
        _select_grid(page, code)
    assert sorted(page.get_by_test_id("grid-selection").text_content().split(", ")) == halves
    # The new edge between the second and third columns: the second column changes grid.
    _draw_line(page, [(23.119, 113.2765), (23.131, 113.2765)])
    page.get_by_test_id("grid-reason").fill("the lane is the edge")
    _click_grid_edit(page, "grid-redraw")
    page.wait_for_function("document.querySelector('[data-testid=grid-selection]').textContent === '–'")
    screenshot(page, "gis-grid-redrawn")
    now = Grid.objects.active().filter(community=district.east).order_by("households")
    # Both grids hold other buildings than before: both codes retire and two never-used codes come.
    assert [g.households for g in now] == [30, 60]
    assert not {g.code for g in now} & {*halves, whole}
    _grid_status_says(page, ", ".join(sorted(halves)))
    assert _grid_report_ok()
    record = ChangeRecord.objects.get(action="redraw")
    assert (record.user, record.reason) == (district.gis, "the lane is the edge")


def test_communities_left_on_an_old_boundary_regenerated_from_the_list(district, page_as, screenshot):
    add_lattice(district.west, x0=113.26, households=10)
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.west, district.east], target_households=200, code_digits=2, activate=True)
    page = page_as(district.gis, viewport=DESKTOP)
    _open_editor(page, district.west.code)
    assert page.get_by_test_id("stale-none").is_visible()  # grids follow their boundaries at first
    _drag_east_edge(page, 113.272)
    page.get_by_test_id("neighbours-follow").check()
    page.get_by_test_id("boundary-reason").fill("survey 2026")
    page.get_by_test_id("boundary-save").click()
    # The save result and the page's list both name the two communities, each with its button.
    page.get_by_test_id(f"regenerate-saved-{district.east.code}").wait_for()
    page.get_by_test_id(f"regenerate-list-{district.west.code}").wait_for()
    assert page.locator("[data-testid=stale-list] li").count() == 2
    page.get_by_test_id(f"regenerate-list-{district.east.code}").click()
    page.locator("[data-testid=proposal-table] tr[data-code]").first.wait_for()
    screenshot(page, "gis-stale-regenerate-proposal")
    page.get_by_test_id("grid-reason").fill("boundary moved")
    _click_grid_edit(page, "grid-activate")
    page.wait_for_function("document.querySelectorAll('[data-testid=stale-list] li').length === 1")
    assert page.locator("[data-testid=stale-list] li").get_attribute("data-code") == district.west.code
    east_grids = shapely.union_all([shapely.from_wkb(bytes(g.polygon.wkb))
                                    for g in Grid.objects.active().filter(community=district.east)])
    assert east_grids.bounds == pytest.approx((113.272, 23.12, 113.28, 23.13))
    # The list stays after a reload until west is regenerated too.
    page.reload()
    page.wait_for_selector("body[data-gis-ready='1']")
    assert page.locator("[data-testid=stale-list] li").count() == 1


# Boundary edits that the check refuses, each dragged by the mouse on west (113.26–113.27 × 23.12–23.13):
# (vertices (lat, lng) → (lat, lng), the problem's kind). The street is 113.26–113.28.
# The editor snaps a dragged vertex to an edge within 20 px (about 0.0017° at the tests' zoom), so every
# drag ends at least 0.003° from any edge but its own: an end 19 px under the south edge snapped onto it
# on a loaded machine, and the ring was no longer the one meant.
BAD_EDITS = {
    "self_intersecting_ring": ([((23.13, 113.27), (23.116, 113.263))], "invalid"),
    "gap_left_to_the_neighbour": ([((23.13, 113.27), (23.13, 113.267)), ((23.12, 113.27), (23.12, 113.267))], "gap"),
    "part_outside_the_street": ([((23.13, 113.26), (23.13, 113.257)), ((23.12, 113.26), (23.12, 113.257))],
                                "outside_parent"),
}


@pytest.mark.parametrize("case", list(BAD_EDITS))
def test_bad_boundary_edit_drawn_on_the_map_with_its_reason_and_nothing_saved(district, page_as, screenshot, case):
    drags, kind = BAD_EDITS[case]
    page = page_as(district.gis, viewport=DESKTOP)
    _open_editor(page, district.west.code)
    # One zoom level out: the edits reach past west's square, beyond the 40 px the editor frames it with.
    page.evaluate("window.gisEditor.map.setZoom(window.gisEditor.map.getZoom() - 1, { animate: false })")
    for (lat, lng), (to_lat, to_lng) in drags:
        _drag_vertex(page, lat, lng, to_lat, to_lng)
    page.get_by_test_id("boundary-reason").fill("survey 2026")
    with page.expect_response("**/gis/api/boundaries/save/") as saved:
        page.get_by_test_id("boundary-save").click()
    assert saved.value.status == 409
    problem = page.locator(f"[data-testid=boundary-problems] li[data-kind={kind}]")
    problem.wait_for()
    assert problem.text_content().strip()  # the reason, in words
    assert page.locator(".layer-problem").count() >= 1  # drawn on the map
    screenshot(page, f"gis-bad-edit-{case}")
    assert BoundaryVersion.objects.count() == 2 and not ChangeRecord.objects.exists()
    assert Community.objects.get(pk=district.west.pk).boundary.extent == (113.26, 23.12, 113.27, 23.13)


def test_split_line_that_does_not_cross_the_grid_is_refused_and_stays_on_the_map(district, page_as, screenshot):
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.east], target_households=200, code_digits=2, activate=True)
    (only,) = Grid.objects.active().filter(community=district.east)
    page = _editor(page_as, district)
    _select_grid(page, only.code)
    # A line inside west's square, nowhere near east's grid.
    _draw_line(page, [(23.122, 113.263), (23.128, 113.263)])
    page.get_by_test_id("grid-reason").fill("two teams")
    with page.expect_response("**/gis/api/grids/split/") as split:
        page.get_by_test_id("grid-split").click()
    assert split.value.status == 400
    _grid_status_says(page, "does not cross")
    assert page.evaluate("window.gisEditor.map.hasLayer(window.gisEditor.state.splitLine)")
    screenshot(page, "gis-split-line-refused")
    assert [g.code for g in Grid.objects.active().filter(community=district.east)] == [only.code]
    assert not ChangeRecord.objects.exists()


def test_new_component_and_building_use_from_the_phone_decided_with_photo_and_map(district, page_as, screenshot,
                                                                                  tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    add_lattice(district.east, x0=113.27, households=10)
    grids_generate(communities=[district.east], target_households=200, code_digits=2, activate=True)
    (grid,) = Grid.objects.active().filter(community=district.east)
    worker = make_user("worker", Role.GRID_WORKER, grid_code=grid.code)
    big = BigClass.objects.create(code="01", kind="component", name="公用设施", name_en="Public utilities")
    SmallClass.objects.create(big_class=big, code="0101", name="上水井盖", name_en="Water manhole cover",
                              time_limit_value=4, time_limit_unit="working_hours")
    building = Building.objects.filter(community=district.east).order_by("id").first()
    photo = tmp_path / "cover.png"
    photo.write_bytes(png_bytes("blue"))
    # The phone stands at the new cover, inside east's grid.
    phone = page_as(worker, geolocation={"latitude": 23.126, "longitude": 113.2755})
    phone.goto("/gis/field/")
    phone.get_by_test_id("correction-kind").select_option("component_new")
    phone.wait_for_selector("[data-testid=correction-located][data-located='1']")
    assert phone.get_by_test_id("correction-lng").input_value() == "113.2755000"
    assert not phone.get_by_test_id("correction-building").is_visible()  # only the chosen kind's fields
    phone.get_by_test_id("correction-class").select_option("0101")
    phone.get_by_test_id("correction-component-name").fill("新井盖")
    phone.get_by_test_id("correction-photo").set_input_files(str(photo))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on the phone
    screenshot(phone, "gis-field-new-component")
    phone.get_by_test_id("correction-send").click()
    phone.locator(".message.success").wait_for()
    phone.get_by_test_id("correction-kind").select_option("use")
    phone.get_by_test_id("correction-building").select_option(str(building.pk))
    phone.get_by_test_id("correction-use").select_option("office")
    phone.get_by_test_id("correction-send").click()
    phone.locator(".message.success").wait_for()
    new, use = BaseDataCorrection.objects.order_by("id")
    assert (new.location.x, new.location.y) == pytest.approx((113.2755, 23.126))
    desk = page_as(district.gis, viewport=DESKTOP)
    desk.goto("/gis/corrections/")
    desk.wait_for_selector("body[data-corrections-ready='1']")
    # Each correction where it applies (the cover's position, the building's point) and the photo, served.
    assert desk.locator(f".correction-proposed-{new.pk}").count() == 1
    assert desk.locator(f".correction-proposed-{use.pk}").count() == 1
    image = desk.get_by_test_id(f"photo-{new.pk}")
    desk.wait_for_function("(el) => el.complete && el.naturalWidth === 32", arg=image.element_handle())
    screenshot(desk, "gis-corrections-photo-and-map")
    desk.get_by_test_id(f"accept-{new.pk}").click()
    desk.get_by_test_id(f"accept-{use.pk}").click()
    desk.get_by_test_id("no-corrections").wait_for()
    cover = Component.objects.get(name="新井盖")
    assert cover.code == "4401040101000001" and cover.location.equals_exact(new.location, 1e-9)
    assert Building.objects.get(pk=building.pk).households == 0  # an office holds no estimated households
    assert Grid.objects.get(pk=grid.pk).households == 80
    assert sorted(ChangeRecord.objects.values_list("kind", flat=True)) == ["building", "component"]
    # The workload monitor lists the grid's accepted corrections.
    desk.goto("/gis/")
    desk.locator(f"[data-testid=workload-corrections] li[data-grid='{grid.code}']").nth(1).wait_for()
    assert desk.locator("[data-testid=workload-corrections] li").count() == 2
    assert not desk.get_by_test_id("workload-corrections-none").is_visible()
    assert desk.context.blocked == []


def test_file_in_an_unknown_crs_refused_with_the_reason_and_nothing_kept(district, page_as, screenshot, tmp_path):
    path = tmp_path / "east.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "code": district.east.code, "name": "东社区", "parent": district.street.code}, "geometry": {
        "type": "Polygon", "coordinates": [[[113.27, 23.12], [113.28, 23.12], [113.28, 23.125], [113.27, 23.125],
                                            [113.27, 23.12]]]}}]}))
    page = page_as(district.gis, viewport=DESKTOP)
    page.goto("/gis/import/")
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-parent-field").fill("parent")
    page.locator("input[name=crs]").fill("EPSG:999999")
    page.get_by_test_id("import-dry-run").click()
    assert "EPSG:999999" in page.get_by_test_id("import-error").text_content()
    assert page.get_by_test_id("import-confirm").count() == 0
    screenshot(page, "gis-import-unknown-crs")
    assert BoundaryVersion.objects.filter(code=district.east.code).count() == 1 and not ChangeRecord.objects.exists()


def test_empty_upload_refused_naming_the_file_as_uploaded_not_the_servers_path(district, page_as, screenshot,
                                                                             tmp_path):
    path = tmp_path / "越秀社区.geojson"
    path.write_bytes(b"")
    page = page_as(district.gis, viewport=DESKTOP)
    page.goto("/gis/import/")
    page.get_by_test_id("import-file").set_input_files(str(path))
    page.get_by_test_id("import-dry-run").click()
    error = page.get_by_test_id("import-error").text_content()
    assert error.startswith("越秀社区.geojson 无法作为地图文件读取") and "/" not in error  # no server path
    screenshot(page, "gis-import-empty-file")
