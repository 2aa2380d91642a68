"""Patrol recording, compliance by rule, missed patrols and their warnings (real PostGIS)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString
from django.core.exceptions import ValidationError

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.cases.models import Notification
from gridmgmt.water.models import Patrol, PatrolRule, RiverChief, WaterBody
from gridmgmt.water.patrols import patrol_record, patrol_statuses, patrols_check

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
LNG, LAT = 113.262, 23.121


@pytest.fixture
def ditch(areas, patrol_rules):
    # Along the west side of grid 44010400100101 (lng 113.26-113.27), 1.1 km north-south.
    return WaterBody.objects.create(code="WB-1", name="一号涌", kind="ditch", source="test",
                                    geometry=LineString((LNG, 23.1205), (LNG, 23.1295), srid=4326))


@pytest.fixture
def worker(areas):
    user = get_user_model().objects.create_user("worker1")
    RoleAssignment.objects.create(user=user, role=Role.GRID_WORKER, grid_code="44010400100101")
    return user


def walk(minutes: float, km: float, start=T0, steps=20):
    """Fixes going north from (LNG, LAT): ``km`` in ``minutes``; 1° latitude ≈ 111.195 km."""
    return [(LNG, LAT + km / 111.195 * i / steps, start.timestamp() + minutes * 60 * i / steps)
            for i in range(steps + 1)]


def test_default_rules_are_data_with_guangzhou_none_level(patrol_rules):
    rule = PatrolRule.objects.get(warning_level="none")
    assert (rule.every_days, rule.min_minutes, rule.min_km) == (10, 10, 1.0)


def test_patrol_meeting_10_min_and_1_km_is_compliant(ditch, worker):
    patrol = patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    assert patrol.compliant and patrol.grid_code == "44010400100101"
    assert patrol.length_m == pytest.approx(1050, abs=1) and patrol.duration_s == 720


def test_short_patrol_under_10_minutes_not_compliant(ditch, worker):
    assert not patrol_record(worker=worker, water_body=ditch, fixes=walk(9, 1.2), client_id="p1").compliant


def test_short_patrol_under_1_km_not_compliant(ditch, worker):
    assert not patrol_record(worker=worker, water_body=ditch, fixes=walk(15, 0.9), client_id="p1").compliant


def test_gps_jump_does_not_make_a_short_patrol_long(ditch, worker):
    fixes = walk(12, 0.5)
    fixes.insert(10, (LNG + 0.02, LAT, fixes[9][2] + 1))  # 2 km away one second later
    patrol = patrol_record(worker=worker, water_body=ditch, fixes=fixes, client_id="p1")
    assert patrol.dropped_fixes == 1 and not patrol.compliant and patrol.length_m < 510


def test_resend_with_same_client_id_stored_once(ditch, worker):
    first = patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    again = patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    assert first.pk == again.pk and Patrol.objects.count() == 1


def test_worker_of_another_grid_refused(ditch, areas):
    other = get_user_model().objects.create_user("worker2")
    RoleAssignment.objects.create(user=other, role=Role.GRID_WORKER, grid_code="44010400100299")
    with pytest.raises(ValidationError, match="touches none of your grids"):
        patrol_record(worker=other, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    assert not Patrol.objects.exists()


def test_track_of_only_jumps_refused(ditch, worker):
    with pytest.raises(ValidationError, match="at least 2 plausible fixes"):
        patrol_record(worker=worker, water_body=ditch, client_id="p1",
                      fixes=[(LNG + 0.05 * i, LAT, T0.timestamp() + i) for i in range(3)])


def test_statuses_ok_due_soon_missed_by_rule_period(ditch, worker):
    patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    assert patrol_statuses(now=T0 + timedelta(days=5))[0].state == "ok"
    assert patrol_statuses(now=T0 + timedelta(days=9, hours=12))[0].state == "due_soon"
    assert patrol_statuses(now=T0 + timedelta(days=10, minutes=1))[0].state == "missed"


def test_short_patrol_does_not_reset_the_period(ditch, worker):
    patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    patrol_record(worker=worker, water_body=ditch, fixes=walk(5, 0.3, start=T0 + timedelta(days=8)),
                  client_id="p2")
    assert patrol_statuses(now=T0 + timedelta(days=10, minutes=1))[0].state == "missed"


def test_red_warning_raises_the_frequency(ditch, worker):
    ditch.warning_level = "red"
    ditch.save()
    patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    assert patrol_statuses(now=T0 + timedelta(days=1, hours=1))[0].state == "missed"


def test_missed_patrol_warns_worker_and_chief_once(ditch, worker):
    chief = get_user_model().objects.create_user("chief")
    RiverChief.objects.create(water_body=ditch, level="street", name="街河长", user=chief)
    patrol_record(worker=worker, water_body=ditch, fixes=walk(12, 1.05), client_id="p1")
    now = T0 + timedelta(days=11)
    assert patrols_check(now=now) == {"due_soon": 0, "missed": 1, "notified": 2}
    assert patrols_check(now=now + timedelta(hours=1))["notified"] == 0
    notes = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.kind) for n in notes] == [("chief", "overdue"), ("worker1", "overdue")]
    assert "一号涌" in notes[0].message
