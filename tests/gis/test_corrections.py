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
from gridmgmt.gis.models import BaseDataCorrection, ChangeRecord, SurveyedUse
from gridmgmt.grids.models import Grid
from gridmgmt.grids.selectors import grid_quality_report
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


@pytest.mark.parametrize("bad, message", [
    ({"households": "many"}, b"must be"), ({"households": "\u00b2"}, b"must be"),
    ({"households": "\u0661\u0662"}, b"must be"), ({"households": "3", "lng": "nan", "lat": "23.1"}, b"must be"),
    ({"households": "3", "note": "door\x00to door"}, b"NUL"),
    ({"kind": "component", "component": "44010401010000"}, b"16 digits"),
])
def test_worker_form_refuses_bad_input_with_a_400_and_stores_nothing(field, bad, message):
    """Read by the one parser: '²' and Arabic-Indic digits pass int() but are no count (R1's kind); NaN is no
    place; a NUL cannot be stored; a component code has 16 digits."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(field.worker)
    response = client.post("/gis/field/", {"kind": "households", "building": field.building.pk, **bad})
    assert response.status_code == 400
    assert message in response.content
    assert not BaseDataCorrection.objects.exists()
    assert client.get("/gis/corrections/").status_code == 403  # a worker does not decide


def test_accepted_count_above_the_target_shows_in_the_workload_monitor(field):
    assert field.grid.code not in [s["code"] for s in field.client.get("/gis/api/workload/").json()["suggestions"]
                                   if s["action"] == "split"]
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=150)
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True)
    suggestions = field.client.get("/gis/api/workload/").json()["suggestions"]
    assert {"code": field.grid.code, "households": 230, "action": "split", "merge_with": None} in suggestions


@pytest.fixture
def cover_class(db):
    """A component class (部件小类 0101, a water-supply manhole cover) and a cover in east's grid."""
    big = BigClass.objects.create(code="01", kind="component", name="公用设施")
    small = SmallClass.objects.create(big_class=big, code="0101", name="上水井盖", name_en="Water manhole cover",
                                      time_limit_value=4, time_limit_unit="working_hours")
    Component.objects.create(code="4401040101000007", small_class=small, name="井盖 7",
                             location=Point(113.271, 23.121, srid=4326))
    return small


def _gps_jpeg(lng_dms, lat_dms) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: lat_dms, 3: "E", 4: lng_dms}
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), "green").save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("DSC_0001.JPG", buffer.getvalue(), content_type="image/jpeg")


def test_use_accepted_zeroes_an_estimated_count_and_is_audited(field):
    proposed = correction_propose(user=field.worker, kind="use", building_id=field.building.pk, use="office")
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True, note="a bank, no flats")
    assert SurveyedUse.objects.get(building=field.building).use == "office"
    assert Building.objects.get(pk=field.building.pk).households == 0
    assert Grid.objects.get(pk=field.grid.pk).households == 80  # 9 × 10 less this building's 10
    record = ChangeRecord.objects.get()
    assert (record.kind, record.user, record.reason) == ("building", field.gis, "a bank, no flats")
    assert record.before[f"building {field.building.pk}"] == {"use": None, "households": 10,
                                                              "households_source": "estimate"}
    assert record.after[f"building {field.building.pk}"]["use"] == "office"
    assert grid_quality_report(target_households=200).violations == {}


def test_use_keeps_a_counted_household_number(field):
    """As the OSM import: a count wins even on a non-residential building (shops below, flats counted)."""
    count = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=14)
    correction_decide(user=field.gis, correction_id=count.pk, accept=True)
    use = correction_propose(user=field.worker, kind="use", building_id=field.building.pk, use="commercial")
    correction_decide(user=field.gis, correction_id=use.pk, accept=True)
    assert Building.objects.get(pk=field.building.pk).households == 14


def test_unknown_use_is_refused(field):
    with pytest.raises(CorrectionError, match="use"):
        correction_propose(user=field.worker, kind="use", building_id=field.building.pk, use="castle")
    assert not BaseDataCorrection.objects.exists()


def test_new_component_gets_the_next_code_of_its_class_in_the_district(field, cover_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    here = Point(113.275, 23.126, srid=4326)
    proposed = correction_propose(user=field.worker, kind="component_new", small_class_code="0101",
                                  component_name="新井盖", location=here, photo=_png())
    assert Component.objects.count() == 1  # nothing before the decision
    correction_decide(user=field.gis, correction_id=proposed.pk, accept=True)
    created = Component.objects.get(name="新井盖")
    # 440104 (the district) + 0101 (the class) + the serial after the existing 000007.
    assert created.code == "4401040101000008" and created.location.equals(here)
    assert BaseDataCorrection.objects.get().component == created
    record = ChangeRecord.objects.get()
    assert (record.kind, record.codes) == ("component", ["component 4401040101000008"])
    assert record.before == {"component 4401040101000008": None}  # it did not exist
    assert record.after["component 4401040101000008"]["location"]["coordinates"] == pytest.approx([113.275, 23.126])


def test_new_component_of_an_event_class_is_refused(field, cover_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = BigClass.objects.create(code="11", kind="event", name="市容环境")
    SmallClass.objects.create(big_class=big, code="1102", name="暴露垃圾", time_limit_value=4,
                              time_limit_unit="working_hours")
    with pytest.raises(CorrectionError, match="kind of component"):
        correction_propose(user=field.worker, kind="component_new", small_class_code="1102",
                           location=Point(113.275, 23.126, srid=4326), photo=_png())


def test_component_position_taken_from_the_photos_gps_when_the_phone_gave_none(field, cover_class, settings,
                                                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # 113°16'30" E, 23°7'30" N = (113.275, 23.125), inside east's grid.
    proposed = correction_propose(user=field.worker, kind="component", component_code="4401040101000007",
                                  photo=_gps_jpeg((113.0, 16.0, 30.0), (23.0, 7.0, 30.0)))
    assert (proposed.location.x, proposed.location.y) == pytest.approx((113.275, 23.125))
    with Image.open(proposed.photo.path) as stored:
        assert 0x8825 not in stored.getexif()  # the upload policy dropped the GPS from the stored photo


def test_component_without_any_position_is_refused(field, cover_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CorrectionError, match="position"):
        correction_propose(user=field.worker, kind="component", component_code="4401040101000007", photo=_png())


def test_supervisor_cannot_decide_use_or_component_corrections(field, cover_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = make_user("own", Role.COMMUNITY_SUPERVISOR, community=field.east)
    use = correction_propose(user=field.worker, kind="use", building_id=field.building.pk, use="office")
    new = correction_propose(user=field.worker, kind="component_new", small_class_code="0101",
                             location=Point(113.275, 23.126, srid=4326), photo=_png())
    for correction in (use, new):
        with pytest.raises(CorrectionError, match="No pending correction"):
            correction_decide(user=own, correction_id=correction.pk, accept=True)
    assert BaseDataCorrection.objects.filter(status="pending").count() == 2 and Component.objects.count() == 1


def test_correction_photo_served_to_proposer_and_gis_editor_only(field, cover_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposed = correction_propose(user=field.worker, kind="component_new", small_class_code="0101",
                                  location=Point(113.275, 23.126, srid=4326), photo=_png())
    url = proposed.photo.url
    other_worker = make_user("other", Role.GRID_WORKER, grid_code="44010400100101")
    for user, status in ((field.gis, 200), (field.worker, 200), (field.dispatcher, 200), (other_worker, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, user
    assert Client().get(url).status_code == 404
    page = field.client.get("/gis/corrections/").content.decode()
    assert f'src="{url}"' in page and 'id="correction-places"' in page


@pytest.mark.parametrize("decision", ["acept", "", "ACCEPT", None])
def test_a_decision_that_is_neither_accept_nor_reject_changes_nothing_and_says_so(field, decision):
    # Anything but "accept" (a typo, a missing button value) rejected the correction without a word.
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=25)
    form = {"correction": proposed.pk} if decision is None else {"correction": proposed.pk, "decision": decision}
    assert field.client.post("/gis/corrections/", form).status_code == 302
    said = [str(m) for m in field.client.get("/gis/corrections/").context["messages"]]
    assert said == ["Choose accept or reject."]
    assert BaseDataCorrection.objects.get(pk=proposed.pk).status == "pending" and not ChangeRecord.objects.exists()


def test_the_refused_decision_is_said_in_the_readers_language(field):
    proposed = correction_propose(user=field.worker, kind="households", building_id=field.building.pk, households=25)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(field.gis)
    client.post("/gis/corrections/", {"correction": proposed.pk, "decision": "acept"})
    assert [str(m) for m in client.get("/gis/corrections/").context["messages"]] == ["请选择采纳或驳回。"]
