"""Working-time arithmetic on the official calendar, with hand-computed answers.

Periods are 08:30–12:00 and 14:00–17:30 (7 working hours a day). Day kinds
come from chinesecalendar 1.11.0, which follows the State Council notices
(国务院办公厅关于2025年/2026年部分节假日安排的通知):
National Day 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 working;
Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 working.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from gridmgmt.cases.calendar import CalendarError, WorkingCalendar, parse_periods

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(periods=parse_periods([("08:30", "12:00"), ("14:00", "17:30")]),
                           is_working_day=chinese_calendar.is_workday, tz=TZ)


def test_the_installed_chinesecalendar_knows_the_2025_and_2026_make_up_days():
    assert chinese_calendar.is_workday(date(2025, 9, 28)) and chinese_calendar.is_workday(date(2025, 10, 11))
    assert not any(chinese_calendar.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_workday(date(2026, 2, 28))
    assert not any(chinese_calendar.is_workday(date(2026, 2, d)) for d in range(15, 24))


def test_hours_skip_national_day_2025(calendar):
    # Tue Sep 30 16:00: 1.5 h that day, Oct 1–8 off, Thu Oct 9 08:30 + 2.5 h.
    assert calendar.add_working_hours(at(2025, 9, 30, 16), 4) == at(2025, 10, 9, 11)


def test_make_up_sunday_sep_28_2025_is_worked(calendar):
    # Fri Sep 26 17:00: 0.5 h, Sat 27 off, Sun 28 is a 调休 working day: 08:30 + 1.5 h.
    assert calendar.add_working_hours(at(2025, 9, 26, 17), 2) == at(2025, 9, 28, 10)


def test_days_across_national_day_end_on_make_up_saturday_oct_11(calendar):
    # Sep 30 10:00 + 3 working days (21 h): 5.5 h on Sep 30, 7 h Oct 9, 7 h Oct 10, 1.5 h Sat Oct 11.
    assert calendar.add_working_days(at(2025, 9, 30, 10), 3) == at(2025, 10, 11, 10)


def test_one_day_before_spring_festival_2026_lands_on_make_up_saturday(calendar):
    assert calendar.add_working_days(at(2026, 2, 13, 15), 1) == at(2026, 2, 14, 15)


def test_hours_across_spring_festival_2026_end_at_noon_not_after_lunch(calendar):
    # Sat Feb 14 (working) 17:00: 0.5 h; Feb 15–23 off; Tue Feb 24 08:30 + 3.5 h = 12:00 exactly.
    assert calendar.add_working_hours(at(2026, 2, 14, 17), 4) == at(2026, 2, 24, 12)


def test_start_in_lunch_break_counts_from_afternoon(calendar):
    assert calendar.add_working_hours(at(2025, 11, 3, 12, 30), 1) == at(2025, 11, 3, 15)


def test_start_before_work_counts_from_morning(calendar):
    assert calendar.add_working_hours(at(2025, 11, 3, 7), 1) == at(2025, 11, 3, 9, 30)


def test_hours_crossing_a_weekend(calendar):
    # Fri Nov 7 2025 17:00: 0.5 h; Mon Nov 10 08:30 + 3.5 h = 12:00.
    assert calendar.add_working_hours(at(2025, 11, 7, 17), 4) == at(2025, 11, 10, 12)


def test_working_hours_between_leaves_out_lunch_and_holidays(calendar):
    assert calendar.working_hours_between(at(2025, 11, 3, 11), at(2025, 11, 3, 15)) == 2
    # Sep 30 16:00 → Oct 9 11:00: 1.5 h + 2.5 h; the holiday week adds nothing.
    assert calendar.working_hours_between(at(2025, 9, 30, 16), at(2025, 10, 9, 11)) == 4
    assert calendar.working_hours_between(at(2025, 10, 9, 11), at(2025, 9, 30, 16)) == 0


def test_add_limit_reads_the_small_class_unit(calendar):
    start = at(2025, 11, 3, 9)
    assert calendar.add_limit(start, 2, "working_hours") == at(2025, 11, 3, 11)
    assert calendar.add_limit(start, 2, "working_days") == at(2025, 11, 5, 9)
    with pytest.raises(CalendarError, match="fortnights"):
        calendar.add_limit(start, 2, "fortnights")


def test_overlapping_periods_are_refused():
    with pytest.raises(CalendarError, match="disjoint"):
        parse_periods([("08:30", "12:00"), ("11:00", "17:30")])


def test_a_calendar_without_working_days_fails_loudly():
    never = WorkingCalendar(periods=parse_periods([("09:00", "17:00")]), is_working_day=lambda d: False, tz=TZ)
    with pytest.raises(CalendarError, match="no working time"):
        never.add_working_hours(at(2025, 1, 1), 1)
