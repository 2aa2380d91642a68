"""Base-data corrections from the field: proposed by the grid worker of east's grid, decided by the GIS
editor or (household counts only) the community supervisor; accepted counts feed the grid's households."""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import Building
from gridmgmt.events.models import BigClass, Component, SmallClass
from gridmgmt.gis.corrections import CorrectionError, correction_decide, correction_propose
from gridmgmt.gis.models import BaseDataCorrection, ChangeRecord
from gridmgmt.grids.models import Grid
from tests.gis.district import make_user


@pytest.fixture
def field(gridded):
    (grid,) = Grid.objects.active().filter(community=gridded.east)
    gridded.grid = grid
    gridded.worker = make_user("worker", Role.GRID_WORKER, grid_code=grid.code)
    gridded.building = Building.objects.filter(community=gridded.east).order_by("id").first()
    gridded.elsewhere = Building.objects.filter(community=gridded.west).first()
    return gridded


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


def test_household_correction_accepted_updates_building_grid_and_audit(field):
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=25)
    assert Grid.objects.get(pk=field.grid.pk).households == 90  # nothing changes before the decision
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True, note="counted on site")
    building = Building.objects.get(pk=field.building.pk)
    assert (building.households, building.households_source) == (25, "count")
    assert Grid.objects.get(pk=field.grid.pk).households == 105
    record = ChangeRecord.objects.get(code=field.grid.code)
    assert record.before[f"building {building.pk}"]["households"] == 10 and record.reason == "counted on site"


def test_rejected_correction_changes_nothing(field):
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=25)
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=False, note="double counted")
    assert Building.objects.get(pk=field.building.pk).households == 10
    assert BaseDataCorrection.objects.get().status == "rejected" and not ChangeRecord.objects.exists()


def test_a_decided_correction_cannot_be_decided_twice(field):
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=25)
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True)
    with pytest.raises(CorrectionError, match="No pending correction"):
        correction_decide(user=field.gis, correction_id=proposed.pk, accept=True)
    assert Grid.objects.get(pk=field.grid.pk).households == 105


def test_community_supervisor_decides_counts_of_own_community_only(field):
    own = make_user("own", Role.COMMUNITY_SUPERVISOR, community=field.east)
    other = make_user("other", Role.COMMUNITY_SUPERVISOR, community=field.west)
    count = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=12)
    address = correction_propose(user=field.worker, kind="address", building_id=field.building.pk,
                                 address="越秀区三眼井 5 号")
    with pytest.raises(CorrectionError):
        correction_decide(user=other, correction_id=count.pk, accept=True)
    with pytest.raises(CorrectionError):
        correction_decide(user=own, correction_id=address.pk, accept=True)
    correction_decide(user=own, correction_id=count.pk, accept=True)
    assert Building.objects.get(pk=field.building.pk).households == 12


@pytest.mark.parametrize("households", [-1, 5001, None])
def test_household_count_out_of_range_is_refused(field, households):
    with pytest.raises(CorrectionError, match="Households"):
        correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=households)
    assert not BaseDataCorrection.objects.exists()


def test_building_outside_the_workers_grid_is_refused(field):
    with pytest.raises(CorrectionError, match="not in your grid"):
        correction_propose(user=field.worker, kind="households", building_id=field.elsewhere.pk, households=3)


def test_someone_without_a_grid_cannot_propose(field):
    with pytest.raises(CorrectionError, match="grid worker"):
        correction_propose(user=field.gis, kind="households", building_id=field.building.pk, households=3)


def test_component_moved_with_a_photo_once_accepted_and_refused_without_one(field, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = BigClass.objects.create(code="01", kind="component", name="公用设施")
    small = SmallClass.objects.create(big_class=big, code="0101", name="上水井盖", time_limit_value=4,
                                      time_limit_unit="working_hours")
    cover = Component.objects.create(code="4401040101000001", small_class=small,
                                     location=Point(113.271, 23.121, srid=4326))
    here = Point(113.2712, 23.1213, srid=4326)
    with pytest.raises(CorrectionError, match="photo"):
        correction_propose(user=field.worker, kind="component", component_code=cover.code, location=here)
    proposed = correction_propose(user=field.worker, kind="component", component_code=cover.code, location=here,
                                  photo=_png())
    assert proposed.photo.name.endswith(".png") and "cover" not in proposed.photo.name  # the upload policy's name
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True)
    assert Component.objects.get(pk=cover.pk).location.equals(here)


@pytest.mark.parametrize("bad", [{"households": "many"}, {"households": "\u00b2"}, {"households": "\u0661\u0662"},
                                 {"households": "3", "lng": "nan", "lat": "23.1"}])
def test_worker_form_refuses_bad_input_with_a_400_and_stores_nothing(field, bad):
    """Read by the one parser: '²' and Arabic-Indic digits pass int() but are no count (R1's kind); NaN is no place."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(field.worker)
    response = client.post("/gis/field/", {"kind": "households", "building": field.building.pk, **bad})
    assert response.status_code == 400
    assert b"must be" in response.content
    assert not BaseDataCorrection.objects.exists()
    assert client.get("/gis/corrections/").status_code == 403  # a worker does not decide


def test_accepted_count_above_the_target_shows_in_the_workload_monitor(field):
    assert field.grid.code not in [s["code"] for s in field.client.get("/gis/api/workload/").json()["suggestions"]
                                   if s["action"] == "split"]
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=150)
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True)
    suggestions = field.client.get("/gis/api/workload/").json()["suggestions"]
    assert {"code": field.grid.code, "households": 230, "action": "split", "merge_with": None} in suggestions
