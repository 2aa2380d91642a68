"""Nobody but the gis_editor changes geometry: every endpoint that writes boundaries, grids, imports or
accepts a field correction refuses every other role (403), a superuser without the role, and anonymous
(sent to sign in), and changes nothing. The gis user's own use of them is tested beside each feature."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import BoundaryVersion, Building
from gridmgmt.events.models import BigClass, Component, SmallClass
from gridmgmt.gis.corrections import correction_propose
from gridmgmt.gis.grid_edits import community_grids_propose
from gridmgmt.gis.models import BaseDataCorrection, ChangeRecord
from gridmgmt.grids.models import Grid, GridGeneration
from tests.gis.district import make_user

WEST_WIDER = {"type": "Polygon", "coordinates": [[[113.26, 23.12], [113.272, 23.12], [113.272, 23.13],
                                                  [113.26, 23.13], [113.26, 23.12]]]}
LINE = {"type": "LineString", "coordinates": [[113.274, 23.119], [113.274, 23.131]]}


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(gridded, settings, tmp_path):
    """East's grid with a worker, a pending correction of every kind, a stored regeneration proposal."""
    settings.MEDIA_ROOT = tmp_path
    d = gridded
    (grid,) = Grid.objects.active().filter(community=d.east)
    d.grid, d.worker = grid, make_user("worker", Role.GRID_WORKER, grid_code=grid.code)
    small = SmallClass.objects.create(big_class=BigClass.objects.create(code="01", kind="component", name="公用设施"),
                                      code="0101", name="上水井盖", time_limit_value=4, time_limit_unit="working_hours")
    Component.objects.create(code="4401040101000001", small_class=small, location=Point(113.271, 23.121, srid=4326))
    building = Building.objects.filter(community=d.east).first()
    here = Point(113.275, 23.126, srid=4326)
    d.corrections = [
        correction_propose(user=d.worker, kind="households", building_id=building.pk, households=20),
        correction_propose(user=d.worker, kind="address", building_id=building.pk, address="三眼井 5 号"),
        correction_propose(user=d.worker, kind="use", building_id=building.pk, use="office"),
        correction_propose(user=d.worker, kind="component", component_code="4401040101000001", location=here,
                           photo=_png()),
        correction_propose(user=d.worker, kind="component_new", small_class_code="0101", location=here,
                           photo=_png()),
    ]
    d.proposal = community_grids_propose(community_code=d.east.code)["generation"]
    return d


def _other_users(d) -> dict:
    return {
        "dispatcher": d.dispatcher, "worker": d.worker,
        # A supervisor of the correction's own community (who decides its household counts, nothing else).
        "community_supervisor": make_user("cs", Role.COMMUNITY_SUPERVISOR, community=d.east),
        "street_supervisor": make_user("ss", Role.STREET_SUPERVISOR, street=d.street),
        "district_leader": make_user("leader", Role.DISTRICT_LEADER),
        "admin_role": make_user("admin_role", Role.ADMIN),
        "no_role": make_user("nobody"),
        "superuser": get_user_model().objects.create_superuser("root", "root@example.org", "pw"),
    }


def _requests(d) -> list[tuple[str, dict | None, str | None]]:
    """(url, JSON body or None for a form post, form field data) of every geometry-changing request."""
    east = d.grid.code
    return [
        ("/gis/api/boundaries/check/", {"level": "community", "based_on_version": 1, "code": d.west.code, "geometry": WEST_WIDER}, None),
        ("/gis/api/boundaries/save/", {"level": "community", "based_on_version": 1, "code": d.west.code, "geometry": WEST_WIDER,
                                       "neighbours_follow": True, "reason": "x"}, None),
        ("/gis/api/grids/split/", {"grid": east, "line": LINE, "reason": "x"}, None),
        ("/gis/api/grids/merge/", {"grids": [east, Grid.objects.active().get(community=d.west).code],
                                   "reason": "x"}, None),
        ("/gis/api/grids/redraw/", {"grids": [east, east], "line": LINE, "reason": "x"}, None),
        ("/gis/api/grids/propose/", {"community": d.east.code}, None),
        ("/gis/api/grids/activate/", {"generation": d.proposal, "reason": "x"}, None),
        ("/gis/api/grids/undo/", {"community": d.east.code, "reason": "x"}, None),
        ("/gis/import/", None, "import"),
        *[("/gis/corrections/", None, c.pk) for c in d.corrections if c.kind != "households"],
    ]


def _state() -> tuple:
    return (BoundaryVersion.objects.count(), Grid.objects.count(), GridGeneration.objects.count(),
            list(Grid.objects.active().order_by("code").values_list("code", flat=True)), ChangeRecord.objects.count(),
            Component.objects.count(), list(BaseDataCorrection.objects.values_list("status", flat=True)))


def _send(client, url, body, form):
    if body is not None:
        return client.post(url, json.dumps(body), content_type="application/json")
    if form == "import":
        upload = SimpleUploadedFile("west.geojson", json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": WEST_WIDER, "properties": {"code": "440104001001", "name": "西"}}]}).encode())
        return client.post(url, {"file": upload, "level": "community", "step": "dry_run"})
    return client.post(url, {"correction": form, "decision": "accept"})


def test_every_geometry_change_is_refused_to_every_other_role_and_changes_nothing(world):
    before = _state()
    for name, user in _other_users(world).items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        for url, body, form in _requests(world):
            response = _send(client, url, body, form)
            # The supervisor may open the decision page (their household counts), but deciding anything
            # else is refused there: it redirects with the refusal and changes nothing.
            if name == "community_supervisor" and url == "/gis/corrections/":
                assert response.status_code == 302
                assert "No pending correction" in str(list(client.get(url).context["messages"])[0])
                continue
            assert response.status_code in (403, 404), (name, url, response.status_code)
    for url, body, form in _requests(world):
        assert _send(Client(), url, body, form).status_code == 302  # anonymous: to sign in
    assert _state() == before


def test_the_gis_editor_accepts_every_kind_the_others_could_not(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.gis)
    for correction in world.corrections:
        assert client.post("/gis/corrections/", {"correction": correction.pk, "decision": "accept"}).status_code == 302
    assert set(BaseDataCorrection.objects.values_list("status", flat=True)) == {"accepted"}
    assert Component.objects.count() == 2 and ChangeRecord.objects.count() == 5


def test_the_decision_is_confirmed_in_the_readers_language(world):
    """The Chinese corrections page confirmed a decision with the stored status: '更正 2：accepted。'."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.gis)
    said = []
    for correction, decision in zip(world.corrections[:2], ("accept", "reject"), strict=True):
        client.post("/gis/corrections/", {"correction": correction.pk, "decision": decision})
        said += [str(m) for m in client.get("/gis/corrections/").context["messages"]]
    assert said == [f"更正 {world.corrections[0].pk}：已采纳。", f"更正 {world.corrections[1].pk}：已驳回。"], said
