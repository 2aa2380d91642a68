"""Deadlines fixed at dispatch on the working calendar, and the idempotent deadline job."""

import logging
from datetime import date

import pytest
from django.core.management import call_command

from gridmgmt.cases.deadlines import cases_check_deadlines
from gridmgmt.cases.models import CalendarOverride, Case, Notification
from gridmgmt.cases.working_calendar import official_is_working_day

from tests.cases.test_jurisdiction import dispatched
from tests.factories import at

pytestmark = pytest.mark.django_db


def test_dispatch_before_national_day_2025_is_due_after_it(make_event, case_of, client_as, clock):
    # 4 working hours from Tue Sep 30 16:00: 1.5 h, then Oct 1–8 off, Thu Oct 9 08:30 + 2.5 h.
    clock(at(2025, 9, 30, 16))
    case = dispatched(case_of(make_event("A")), client_as)
    assert case.deadline == at(2025, 10, 9, 11)


def test_a_local_override_moves_the_deadline(make_event, case_of, client_as, clock):
    CalendarOverride.objects.create(date=date(2025, 10, 9), is_working_day=False, note="typhoon")
    clock(at(2025, 9, 30, 16))
    case = dispatched(case_of(make_event("A")), client_as)
    assert case.deadline == at(2025, 10, 10, 11)


def test_years_beyond_chinesecalendar_fall_back_to_weekdays_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        assert official_is_working_day(date(2099, 1, 2))  # a Friday
        assert not official_is_working_day(date(2099, 1, 3))
    assert "does not cover 2099" in caplog.text


def test_the_job_warns_once_then_marks_overdue_and_escalates_once(make_event, case_of, client_as, clock, users):
    clock(at(2025, 11, 3, 9))  # Monday; 4 working hours: 09:00–12:00 (3 h) + 14:00–15:00 (1 h)
    case = dispatched(case_of(make_event("A")), client_as)
    assert case.deadline == at(2025, 11, 3, 15)

    assert cases_check_deadlines(now=at(2025, 11, 3, 11)).warned == 0  # 2 working hours left
    # 14:20 leaves 40 working minutes (≤ 1 h): warn; a second run (cron and Celery) must not warn again.
    assert cases_check_deadlines(now=at(2025, 11, 3, 14, 20)).warned == 1
    assert cases_check_deadlines(now=at(2025, 11, 3, 14, 25)).warned == 0
    # No handler named yet: the department's handlers are warned.
    assert list(Notification.objects.filter(kind="deadline_near", case=case).values_list(
        "user__username", flat=True)) == ["handler1"]

    first = cases_check_deadlines(now=at(2025, 11, 3, 15, 1))
    call_command("check_deadlines")  # the cron door; real now is far later, still only once
    assert first.overdue == 1
    assert Notification.objects.filter(kind="overdue", user=users["handler1"], case=case).count() == 1
    escalated = set(Notification.objects.filter(kind="escalated", case=case).values_list("user__username", flat=True))
    assert escalated == {"head1", "shift_leader"}
    assert Case.objects.get(pk=case.pk).overdue_at == at(2025, 11, 3, 15, 1)
    assert case.history.filter(action="escalate").count() == 1
