"""Grid workers follow their retired grids' successors (issue #10.3, #13): split, merge, undo, commands.

East community (tests/gis/district.py): 9 point buildings × 10 households on a 3 × 3 lattice, columns at
lng 113.2725, 113.275, 113.2775; one grid of 90 households. A split at lng 113.274 leaves 30 households
west of the line and 60 east of it.
"""

import io
from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from PIL import Image
from rest_framework.test import APIClient
from shapely.geometry import LineString

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.cases.models import Case, Notification, NotificationKind
from gridmgmt.cases.notifications import notification_text
from gridmgmt.events.models import Event
from gridmgmt.events.services import event_create
from gridmgmt.grids.editing import community_grids_undo, grid_split, grids_merge, grids_redraw_edge
from gridmgmt.grids.models import Grid
from gridmgmt.grids.services import grids_generate
from gridmgmt.grids.succession import generation_succession_preview
from tests import factories
from tests.gis.district import add_lattice, build_two_communities, make_user

SPLIT = LineString([(113.274, 23.119), (113.274, 23.131)])


@pytest.fixture
def east(db):
    d = build_two_communities()
    add_lattice(d.east, x0=113.27, households=10)
    grids_generate(communities=[d.east], target_households=200, code_digits=2, activate=True)
    d.grid = Grid.objects.active().get(community=d.east)
    d.supervisor = make_user("sup", Role.COMMUNITY_SUPERVISOR, community=d.east)
    d.rubbish = factories.small_class("1101", "暴露垃圾", department=factories.department("CG", "城管局"))
    return d


def _code(user) -> str:
    return RoleAssignment.objects.get(user=user, role=Role.GRID_WORKER).grid_code


def _active(community, households: int) -> Grid:
    return Grid.objects.active().get(community=community, households=households)


def _notices(user) -> list[str]:
    return list(Notification.objects.filter(user=user, kind=NotificationKind.GRID_CHANGED)
                .order_by("id").values_list("template", flat=True))


def _photo(name: str = "after.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_split_moves_the_worker_to_the_bigger_piece_where_they_report_read_and_self_handle(east):
    worker = make_user("worker", Role.GRID_WORKER, grid_code=east.grid.code)
    before = factories.report(east.grid, east.rubbish, reporter=worker)  # made in the grid being retired
    result = grid_split(grid=east.grid, line=SPLIT)
    bigger, smaller = _active(east.east, 60), _active(east.east, 30)
    assert _code(worker) == bigger.code
    assert result.succession["moves"] == [{"user_id": worker.pk, "username": "worker", "old": east.grid.code,
                                           "new": bigger.code}]
    assert result.succession["without_worker"] == [smaller.code]
    shares = {s["code"]: s["households_share"] for s in result.succession["successors"][east.grid.code]}
    assert shares == {bigger.code: pytest.approx(2 / 3, abs=1e-3), smaller.code: pytest.approx(1 / 3, abs=1e-3)}
    assert _notices(worker) == ["Grid %(old)s was retired; you are now the grid worker of grid %(new)s."]
    assert sorted(_notices(east.supervisor)) == ["Grid %(old)s was retired: %(worker)s now works grid %(new)s.",
                                                 "Grids without a grid worker, please assign them: %(codes)s"]

    created = event_create(small_class_code="1101", point=Point(113.2775, 23.125, srid=4326),
                           channel="worker_app", reporter=worker, photos=[_photo("before.png")])
    event = Event.objects.get(pk=created.event.pk)
    case = event.case_source.case
    assert event.grid_code == case.grid_code == bigger.code
    client = APIClient()
    client.force_authenticate(worker)
    assert client.get(f"/api/cases/{case.pk}/").status_code == 200
    fixed = client.post(f"/api/cases/{case.pk}/self-handle/", {"version": case.version, "note": "picked up",
                                                              "photos": [_photo()]}, format="multipart")
    assert fixed.status_code == 200, fixed.content
    assert Case.objects.get(pk=case.pk).status == "closed"
    # Events and cases keep the grid they were made in.
    before.refresh_from_db()
    assert before.grid_code == before.case_source.case.grid_code == east.grid.code
    assert before.grid_id == east.grid.pk


def test_merge_keeps_the_bigger_grids_worker_lists_the_other_as_moved_off_and_undo_restores_both(east):
    grid_split(grid=east.grid, line=SPLIT)
    bigger, smaller = _active(east.east, 60), _active(east.east, 30)
    big_worker = make_user("big", Role.GRID_WORKER, grid_code=bigger.code)
    small_worker = make_user("small", Role.GRID_WORKER, grid_code=smaller.code)

    result = grids_merge(grids=[bigger, smaller])
    merged = Grid.objects.active().get(community=east.east)
    assert (_code(big_worker), _code(small_worker)) == (merged.code, smaller.code)  # smaller.code is retired
    assert [m["username"] for m in result.succession["moves"]] == ["big"]
    assert result.succession["moved_off"] == [{"user_id": small_worker.pk, "username": "small",
                                               "old": smaller.code, "new": merged.code}]
    assert result.succession["without_worker"] == []
    assert "Grid %(old)s was retired: %(worker)s has no current grid; please assign one." in _notices(
        east.supervisor)
    assert len(_notices(small_worker)) == 1 and "ask your community supervisor" in _notices(small_worker)[0]

    undone = community_grids_undo(community=east.east)
    assert (_code(big_worker), _code(small_worker)) == (bigger.code, smaller.code)
    assert [(m["username"], m["new"]) for m in undone.succession["moves"]] == [("big", bigger.code)]
    assert undone.succession["moved_off"] == [] and undone.succession["without_worker"] == []


def test_regeneration_preview_matches_what_the_grid_activate_command_does_and_prints(east):
    worker = make_user("worker", Role.GRID_WORKER, grid_code=east.grid.code)
    generation = grids_generate(communities=[east.east], target_households=40, code_digits=2).generation
    preview = generation_succession_preview(generation=generation)
    assert _code(worker) == east.grid.code and not Notification.objects.exists()  # the preview writes nothing
    (move,) = preview.moves
    out = StringIO()
    call_command("grid_activate", str(generation.pk), stdout=out)
    assert _code(worker) == move.new != east.grid.code
    assert f"worker worker: grid {east.grid.code} -> {move.new}" in out.getvalue()
    for code in preview.without_worker:
        assert f"grid {code}: without a worker" in out.getvalue()
    assert len(preview.without_worker) == Grid.objects.active().filter(community=east.east).count() - 1
    generation.refresh_from_db()
    assert generation.succession == preview.as_json()


def test_generate_grids_command_prints_the_moves(east):
    worker = make_user("worker", Role.GRID_WORKER, grid_code=east.grid.code)
    out = StringIO()
    call_command("generate_grids", "--community", east.east.code, "--target-households", "40", "--activate",
                 stdout=out)
    assert f"worker worker: grid {east.grid.code} -> {_code(worker)}" in out.getvalue()


def test_a_worker_bound_to_a_retired_code_is_told_so_on_the_home_page(east):
    worker = make_user("worker", Role.GRID_WORKER, grid_code=east.grid.code)
    grid_split(grid=east.grid, line=SPLIT)
    RoleAssignment.objects.filter(user=worker).update(grid_code=east.grid.code)  # data from before succession
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(worker)
    page = client.get("/worker/").content.decode()
    assert f"Your grid {east.grid.code} was retired on" in page and "ask your community supervisor" in page
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(worker)
    assert f"您的网格 {east.grid.code} 已于" in chinese.get("/worker/").content.decode()


def test_notices_read_in_chinese(east):
    worker = make_user("worker", Role.GRID_WORKER, grid_code=east.grid.code)
    grid_split(grid=east.grid, line=SPLIT)
    with translation.override("zh-hans"):
        (note,) = Notification.objects.filter(user=worker)
        assert notification_text(note) == f"网格 {east.grid.code} 已撤销；您现在是网格 {_code(worker)} 的网格员。"


def test_redraw_moving_buildings_moves_each_worker_by_households_then_area(east):
    grid_split(grid=east.grid, line=SPLIT)
    west_piece, east_piece = _active(east.east, 30), _active(east.east, 60)
    west_worker = make_user("west", Role.GRID_WORKER, grid_code=west_piece.code)
    east_worker = make_user("east", Role.GRID_WORKER, grid_code=east_piece.code)
    # The edge moves to lng 113.276: the lattice's middle column changes sides, so both codes retire.
    result = grids_redraw_edge(grids=[west_piece, east_piece], line=LineString([(113.276, 23.119), (113.276, 23.131)]))
    assert sorted(result.retired) == sorted([west_piece.code, east_piece.code])
    new_west = Grid.objects.active().get(community=east.east, polygon__covers=Point(113.2725, 23.125, srid=4326))
    new_east = Grid.objects.active().get(community=east.east, polygon__covers=Point(113.2775, 23.125, srid=4326))
    # The old east piece's 60 households split 30/30: the new east grid takes more of its area.
    assert (_code(west_worker), _code(east_worker)) == (new_west.code, new_east.code)
    assert result.succession["moved_off"] == [] and result.succession["without_worker"] == []
