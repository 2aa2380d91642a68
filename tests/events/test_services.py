"""event_create: locating, routing, attributes, idempotency, atomicity."""

import threading

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from gridmgmt.cases import signals
from gridmgmt.cases.models import Case
from gridmgmt.events.models import Event, EventPhoto, RoutingRule
from gridmgmt.events.services import event_create
from tests.events.conftest import INSIDE_C1, INSIDE_C2, OUTSIDE, make_image


def pt(lat_lng):
    return Point(lat_lng[1], lat_lng[0], srid=4326)


def create(catalogue, where=INSIDE_C1, code="1102", **kwargs):
    kwargs.setdefault("channel", "worker_app")
    return event_create(small_class_code=code, point=pt(where), **kwargs)


def test_report_is_located_in_grid_community_and_street_with_codes(areas, catalogue):
    event = create(catalogue).event
    event.refresh_from_db()
    assert event.grid == areas.grid and event.community == areas.c1 and event.street == areas.street
    assert (event.grid_code, event.community_code, event.street_code) == (
        "44010400100101", "440104001001", "440104001")
    assert event.status == "reported"


def test_report_in_community_without_grid_has_empty_grid_code(areas, catalogue):
    event = create(catalogue, where=INSIDE_C2).event
    assert event.grid is None and event.grid_code == "" and event.community == areas.c2


def test_point_on_seam_goes_to_lower_community_code(areas, catalogue):
    event = create(catalogue, where=(23.125, 113.27)).event
    assert event.community_code == "440104001001"


def test_grid_code_kept_as_text_after_grid_deactivated(areas, catalogue):
    event = create(catalogue).event
    areas.grid.active = False
    areas.grid.save()
    event.refresh_from_db()
    assert event.grid_code == "44010400100101" and event.grid_id == areas.grid.pk


def test_point_outside_district_is_refused_and_nothing_stored(areas, catalogue):
    with pytest.raises(ValidationError) as exc:
        create(catalogue, where=OUTSIDE)
    assert "在本区范围之外" in str(exc.value.message_dict["location"])
    assert Event.objects.count() == 0


def test_unknown_service_code_is_named(areas, catalogue):
    with pytest.raises(ValidationError) as exc:
        create(catalogue, code="9999")
    assert "9999" in exc.value.message_dict["service_code"][0]


def test_missing_location_without_photo_gps_is_refused(areas, catalogue):
    with pytest.raises(ValidationError) as exc:
        event_create(small_class_code="1102", point=None, channel="worker_app")
    assert "lat" in exc.value.message_dict


class TestAttributes:
    def test_required_attribute_missing_is_refused(self, areas, catalogue):
        with pytest.raises(ValidationError) as exc:
            create(catalogue, code="1503", attributes={})
        assert "depth_cm" in exc.value.message_dict["attributes"][0]

    def test_value_outside_list_is_refused(self, areas, catalogue):
        with pytest.raises(ValidationError) as exc:
            create(catalogue, code="1503", attributes={"depth_cm": 20, "blocks_traffic": "maybe"})
        assert "“maybe”" in exc.value.message_dict["attributes"][0]

    def test_unknown_attribute_is_kept_apart_unchecked(self, areas, catalogue):
        event = create(catalogue, code="1503", attributes={"depth_cm": 20, "colour": "brown"}).event
        event.refresh_from_db()
        assert event.attributes == {"depth_cm": 20.0} and event.client_attributes == {"colour": "brown"}

    def test_unknown_attribute_holding_an_object_is_refused(self, areas, catalogue):
        with pytest.raises(ValidationError) as exc:
            create(catalogue, code="1503", attributes={"depth_cm": 20, "colour": {"r": 1}})
        assert "colour" in exc.value.message_dict["attributes"][0]

    def test_valid_values_are_normalised(self, areas, catalogue):
        event = create(catalogue, code="1503", attributes={"depth_cm": "25", "blocks_traffic": "yes"}).event
        event.refresh_from_db()
        assert event.attributes == {"depth_cm": 25.0, "blocks_traffic": "yes"}


class TestRoutingPrecedence:
    """grid > community > street > district > class default > manual."""

    def rule(self, catalogue, level, code, dept):
        return RoutingRule.objects.create(small_class=catalogue.rubbish, level=level, area_code=code,
                                          department=catalogue.depts[dept])

    def test_class_default_when_no_rule(self, areas, catalogue):
        event = create(catalogue).event
        assert event.department.code == "HW" and event.routing_status == "routed" and event.routing_rule is None

    def test_district_rule_beats_class_default(self, areas, catalogue):
        rule = self.rule(catalogue, "district", "440104", "CGJ")
        event = create(catalogue).event
        assert event.department.code == "CGJ" and event.routing_rule == rule

    def test_street_beats_district(self, areas, catalogue):
        self.rule(catalogue, "district", "440104", "CGJ")
        self.rule(catalogue, "street", "440104001", "JDB")
        assert create(catalogue).event.department.code == "JDB"

    def test_community_beats_street(self, areas, catalogue):
        self.rule(catalogue, "street", "440104001", "JDB")
        self.rule(catalogue, "community", "440104001001", "SW")
        assert create(catalogue).event.department.code == "SW"
        # C2 has no community rule: the street rule applies there.
        assert create(catalogue, where=INSIDE_C2).event.department.code == "JDB"

    def test_grid_beats_community(self, areas, catalogue):
        self.rule(catalogue, "community", "440104001001", "SW")
        self.rule(catalogue, "grid", "44010400100101", "GS")
        assert create(catalogue).event.department.code == "GS"

    def test_rule_of_another_class_does_not_apply(self, areas, catalogue):
        RoutingRule.objects.create(small_class=catalogue.waterlogging, level="grid",
                                   area_code="44010400100101", department=catalogue.depts["GS"])
        assert create(catalogue).event.department.code == "HW"

    def test_no_rule_and_no_default_goes_to_manual_queue(self, areas, catalogue):
        event = create(catalogue, code="1601").event
        assert event.department is None and event.routing_status == "manual"
        assert list(Event.objects.needing_manual_routing()) == [event]


class TestIdempotency:
    def test_retry_with_same_key_returns_first_report(self, areas, catalogue):
        first = create(catalogue, idempotency_key="abc-1")
        again = create(catalogue, idempotency_key="abc-1", description="retried")
        assert first.created and not again.created
        assert again.event.pk == first.event.pk and Event.objects.count() == 1

    def test_same_key_on_another_channel_is_another_report(self, areas, catalogue):
        create(catalogue, idempotency_key="abc-1")
        create(catalogue, idempotency_key="abc-1", channel="hotline")
        assert Event.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_store_once(areas, catalogue):
    """Two threads race on one key: the unique constraint, not a prior check, decides."""
    results, errors = [], []
    barrier = threading.Barrier(4)

    def report():
        try:
            barrier.wait()
            results.append(create(catalogue, idempotency_key="race-1"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Event.objects.filter(idempotency_key="race-1").count() == 1
    assert sum(r.created for r in results) == 1
    assert len({r.event.pk for r in results}) == 1


def test_failure_while_saving_photo_stores_nothing(areas, catalogue, media_root, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(EventPhoto, "save", broken_save)
    photo = SimpleUploadedFile("p.jpg", make_image(), content_type="image/jpeg")
    with pytest.raises(DatabaseError):
        create(catalogue, photos=[photo])
    assert Event.objects.count() == 0
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


def test_component_report_routes_to_its_maintainer(areas, catalogue):
    from gridmgmt.events.models import Component

    component = Component.objects.create(code="4401040101000001", small_class=catalogue.cover,
                                         location=pt(INSIDE_C2), maintainer_department=catalogue.depts["JDB"])
    event = event_create(small_class_code="0101", point=None, component_code=component.code,
                         channel="worker_app").event
    assert event.component == component and event.community == areas.c2
    assert event.department.code == "JDB"


def test_component_of_another_class_is_refused(areas, catalogue):
    from gridmgmt.events.models import Component

    Component.objects.create(code="4401040101000002", small_class=catalogue.cover, location=pt(INSIDE_C1))
    with pytest.raises(ValidationError) as exc:
        create(catalogue, component_code="4401040101000002")
    assert "component_code" in exc.value.message_dict


def test_report_and_its_case_are_one_transaction(areas, catalogue, monkeypatch):
    ok = create(catalogue).event
    assert ok.case_source.case.history.get().action == "report"

    def fail(**kwargs):
        raise DatabaseError("case insert failed")

    monkeypatch.setattr(signals, "cases_create_from_events", fail)
    with pytest.raises(DatabaseError):
        create(catalogue, idempotency_key="k-fail")
    assert (Event.objects.count(), Case.objects.count()) == (1, 1)


def test_reference_rows_of_a_report_cannot_be_deleted_through_the_orm(areas, catalogue):
    # These references carry no database constraint (intake speed); the ORM's PROTECT still holds.
    from django.db.models import ProtectedError

    create(catalogue)
    for referenced in (areas.c1, areas.grid, catalogue.rubbish, catalogue.depts["HW"]):
        with pytest.raises(ProtectedError):
            referenced.delete()
    assert Event.objects.get().community == areas.c1
