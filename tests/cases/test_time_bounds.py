"""R9 (bounded working-time arithmetic) and R12 (the 2027 calendar); R8 is in test_notifications.py."""

import io
import logging
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.cases.deadlines import cases_check_deadlines
from gridmgmt.cases.duplicates import likely_duplicates
from gridmgmt.cases.models import Case
from gridmgmt.events.models import SmallClass
from gridmgmt.cases.working_calendar import (
    OFFICIAL, STATUTORY, WEEKDAYS_ONLY, coming_year_uncovered, working_calendar, year_coverage,
)
from tests.cases.test_jurisdiction import dispatched
from tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def holiday_dir(settings, tmp_path):
    settings.CASE_HOLIDAY_DIR = tmp_path / "holidays"
    return settings.CASE_HOLIDAY_DIR


def postpone(client_as, case, value, unit="working_days"):
    return client_as("handler1").post(f"/api/cases/{case.pk}/postpone/", {
        "version": case.version, "value": value, "unit": unit, "reason": "needs a crane"}, format="json")


# R9 ------------------------------------------------------------------------------------------


def test_postponement_of_5000_working_days_is_refused_at_request(make_event, case_of, client_as, settings):
    settings.CASE_MAX_POSTPONEMENT_WORKING_DAYS = 60
    case = dispatched(case_of(make_event("A")), client_as)
    response = postpone(client_as, case, 5000)
    assert response.status_code == 400 and "at most 60 working days" in str(response.json())
    assert not case.postponements.exists()


def test_postponement_in_hours_is_measured_against_the_maximum_in_days(make_event, case_of, client_as, settings):
    settings.CASE_MAX_POSTPONEMENT_WORKING_DAYS = 2  # 14 working hours with 7-hour days
    case = dispatched(case_of(make_event("A")), client_as)
    assert postpone(client_as, case, 15, "working_hours").status_code == 400
    assert postpone(client_as, case, 14, "working_hours").status_code == 200


def test_one_case_the_calendar_cannot_answer_does_not_stop_the_job_for_the_others(
        make_event, case_of, client_as, clock, caplog):
    clock(at(2026, 3, 2, 16))
    near, far = (dispatched(case_of(make_event("A")), client_as) for _ in range(2))
    # A deadline past what the calendar scans (stored before the maximum existed, or edited by hand).
    Case.objects.filter(pk=far.pk).update(deadline=at(2026, 3, 2, 17) + timedelta(days=9000))
    Case.objects.filter(pk=near.pk).update(deadline=at(2026, 3, 2, 16, 30))
    Case.objects.filter(pk=far.pk).update(deadline=at(2026, 3, 2, 16, 45))
    with pytest.MonkeyPatch.context() as patch:
        from gridmgmt.cases import calendar as calendar_module

        real = calendar_module.WorkingCalendar.working_hours_between

        def broken_for_far(self, start, end):
            if end == at(2026, 3, 2, 16, 45):
                raise calendar_module.CalendarError("no working time within 3660 days")
            return real(self, start, end)

        patch.setattr(calendar_module.WorkingCalendar, "working_hours_between", broken_for_far)
        with caplog.at_level(logging.ERROR, logger="gridmgmt.cases.deadlines"):
            run = cases_check_deadlines()
    assert (run.warned, run.failed) == (1, 1)
    assert Case.objects.get(pk=near.pk).warned_at is not None
    record = next(r for r in caplog.records if r.name == "gridmgmt.cases.deadlines")
    assert str(far.pk) in record.getMessage() and record.exc_info


def test_a_deadline_decades_away_is_not_scanned_by_the_job(make_event, case_of, client_as, clock):
    clock(at(2026, 3, 2, 16))
    case = dispatched(case_of(make_event("A")), client_as)
    Case.objects.filter(pk=case.pk).update(deadline=at(2060, 1, 1, 9))
    assert cases_check_deadlines() == type(cases_check_deadlines())(warned=0, overdue=0, failed=0)


@pytest.mark.parametrize(("value", "unit"), [(5000, "working_days"), (2147483647, "working_hours"),
                                           (2147483647, "working_days")])
def test_dispatching_a_class_whose_stored_limit_the_calendar_cannot_answer_is_a_400_naming_it(
        make_event, case_of, client_as, clock, world, value, unit):
    clock(at(2026, 3, 2, 16))
    # Stored before the catalogue's maximum (a limit typed in the wrong unit): before, every dispatch of the
    # class was a 500 (CalendarError after a 3,660-day scan; OverflowError past year 9999).
    SmallClass.objects.filter(pk=world["rubbish"].pk).update(time_limit_value=value, time_limit_unit=unit)
    case = case_of(make_event("A"))
    client_as("call_taker").post(f"/api/cases/{case.pk}/open/", {"version": 1}, format="json")
    response = client_as("dispatcher").post(f"/api/cases/{case.pk}/dispatch/", {"version": 2}, format="json")
    assert response.status_code == 400 and "1101 暴露垃圾" in str(response.json())
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.deadline, stored.version) == ("opened", None, 2)


@pytest.mark.parametrize(("value", "unit", "allowed"), [
    (0, "working_hours", False), (1, "working_hours", True), (250, "working_days", True),
    (251, "working_days", False), (1750, "working_hours", True), (1751, "working_hours", False)])
def test_a_small_class_time_limit_is_from_one_hour_to_the_maximum(world, settings, value, unit, allowed):
    settings.CASE_MAX_TIME_LIMIT_WORKING_DAYS = 250  # 1,750 working hours of 7-hour days
    small = world["rubbish"]
    small.time_limit_value, small.time_limit_unit = value, unit
    if allowed:
        small.full_clean()
    else:
        with pytest.raises(ValidationError, match="time limit of 1101 must be from 1 working hour to 250 working"):
            small.full_clean()


def test_a_duplicate_window_of_millions_of_hours_is_refused_and_a_stored_one_read_as_a_year(
        make_event, case_of, world):
    small = world["rubbish"]
    small.duplicate_window_hours = 2147483647
    with pytest.raises(ValidationError, match="at most 8784 hours"):
        small.full_clean()
    first, second = case_of(make_event("A")), case_of(make_event("A"))
    SmallClass.objects.filter(pk=small.pk).update(duplicate_window_hours=2147483647)
    # Before: PostgreSQL "timestamp out of range" on every console list showing a case of the class.
    assert likely_duplicates([first.pk], visible=Case.objects.all()) == {first.pk: [second.pk]}


# R12 -----------------------------------------------------------------------------------------


def test_seven_working_hours_dispatched_on_2026_12_31_at_16_are_not_due_on_new_years_day(
        make_event, case_of, client_as, clock, world, holiday_dir):
    world["rubbish"].time_limit_value = 7
    world["rubbish"].save()
    clock(at(2026, 12, 31, 16))
    case = dispatched(case_of(make_event("A")), client_as)
    # 1.5 h on Thu Dec 31; Fri Jan 1 元旦 (statutory), Sat–Sun; Mon Jan 4: 3.5 h + 2 h → 16:00.
    assert case.deadline == at(2027, 1, 4, 16)


# Shaped as the State Council's notice: New Year's Day off and a make-up working Saturday (调休上班).
NOTICE_2027 = ('{"year": 2027, "complete": true, "source": "国务院办公厅关于2027年部分节假日安排的通知 (test copy)",'
               ' "days": [{"date": "2027-01-01", "working": false, "name": "元旦"},'
               ' {"date": "2027-01-02", "working": true, "name": "调休上班 (test)"}]}')


def test_2027_is_covered_by_its_statutory_days_until_the_notice_is_imported(holiday_dir, tmp_path):
    assert year_coverage(2026) == OFFICIAL
    assert year_coverage(2027) == STATUTORY
    assert year_coverage(2031) == WEEKDAYS_ONLY
    assert coming_year_uncovered(date(2026, 11, 30)) == (2027, STATUTORY)
    notice = tmp_path / "notice-2027.json"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    call_command("import_holidays", str(notice), stdout=io.StringIO())
    assert year_coverage(2027) == OFFICIAL and coming_year_uncovered(date(2026, 11, 30)) is None
    # The R12 dispatch now runs into the make-up Saturday: 1.5 h on Thu Dec 31, Fri Jan 1 off,
    # Sat Jan 2 worked: 3.5 h + 2 h → 16:00 (without the notice: Mon Jan 4 16:00, above).
    assert working_calendar().add_limit(at(2026, 12, 31, 16), 7, "working_hours") == at(2027, 1, 2, 16)


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_import_holidays_reads_a_notice_saved_by_a_chinese_office(holiday_dir, tmp_path, encoding):
    notice = tmp_path / "notice-2027.json"
    notice.write_bytes(NOTICE_2027.encode(encoding))
    call_command("import_holidays", str(notice), stdout=io.StringIO())
    assert year_coverage(2027) == OFFICIAL and "元旦" in (holiday_dir / "2027.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "named"), [
    ("{", "not JSON"), ('{"year": 2027, "complete": "yes", "source": "x", "days": []}', "complete"),
    ('{"year": 2027, "complete": true, "source": "x", "days": [{"date": "2027-02-30", "working": false}]}', "day #1"),
    ('{"year": 2027, "complete": true, "source": "x", "days": [{"date": "2028-01-01", "working": false}]}', "not in 2027"),
    # Forms date.fromisoformat alone took (Python 3.11): the day rule is api_params.iso_day's.
    ('{"year": 2027, "complete": true, "source": "x", "days": [{"date": "20270101", "working": false}]}', "day #1"),
    ('{"year": 2027, "complete": true, "source": "x", "days": [{"date": "2027-W01-5", "working": false}]}', "day #1"),
])
def test_import_holidays_refuses_a_bad_file_naming_the_problem(holiday_dir, tmp_path, text, named):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=named):
        call_command("import_holidays", str(path))
    assert not holiday_dir.exists() or not list(holiday_dir.iterdir())


def test_admins_are_told_what_the_coming_year_lacks_until_a_complete_year_is_imported(db, clock, holiday_dir, tmp_path):
    clock(at(2026, 11, 30, 10))
    admin = get_user_model().objects.create_user("boss", password="x", is_superuser=True, is_staff=True)
    worker = get_user_model().objects.create_user("w", password="x")
    RoleAssignment.objects.create(user=worker, role=Role.DISTRICT_LEADER)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert 'data-testid="calendar-warning"' in page and "make-up working days (调休) are unknown" in page
    assert "调休上班日尚不清楚" in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.force_login(worker)
    assert 'data-testid="calendar-warning"' not in client.get("/dashboard/").content.decode()

    client.force_login(admin)
    notice = tmp_path / "notice-2027.json"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    call_command("import_holidays", str(notice), stdout=io.StringIO())
    assert 'data-testid="calendar-warning"' not in client.get("/admin/").content.decode()

    clock(at(2030, 11, 30, 10))  # no file at all for 2031
    client.force_login(admin)  # the session of 2026 has expired by then
    assert "no holidays for 2031: deadlines in 2031 count Monday to Friday only" in client.get("/admin/").content.decode()
