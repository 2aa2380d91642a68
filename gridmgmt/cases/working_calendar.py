"""The project's working calendar: settings + official holidays + local overrides.

Which days are working days, in order of precedence:

1. a :class:`~gridmgmt.cases.models.CalendarOverride` row (edited in the admin);
2. the official calendar from ``chinesecalendar`` (holidays and 调休 make-up
   working days; version 1.11.0 covers 2004–2026);
3. a holiday file for the year (:mod:`gridmgmt.cases.holiday_files`: the
   State Council's notice imported with ``manage.py import_holidays``, or the
   shipped statutory days of 2027), then Monday to Friday.

:func:`year_coverage` says how well a year is known; the pages warn admins
when the coming year is not covered by an official calendar.
"""

import logging
from datetime import date
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from gridmgmt.cases.calendar import WorkingCalendar, parse_periods
from gridmgmt.cases.holiday_files import holiday_years
from gridmgmt.cases.models import CalendarOverride

log = logging.getLogger(__name__)

OFFICIAL, STATUTORY, WEEKDAYS_ONLY = "official", "statutory", "weekdays_only"


@lru_cache(maxsize=None)
def _warn_uncovered(year: int) -> None:
    log.warning("chinesecalendar does not cover %s: using %s plus local overrides", year,
                "the holiday file's days" if year in holiday_years() else "Monday–Friday")


def _chinesecalendar_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_coverage(year: int) -> str:
    """``official`` (chinesecalendar or a complete notice file), ``statutory`` (fixed holidays only)
    or ``weekdays_only``."""
    if _chinesecalendar_knows(year):
        return OFFICIAL
    holiday_year = holiday_years().get(year)
    if holiday_year is None:
        return WEEKDAYS_ONLY
    return OFFICIAL if holiday_year.complete else STATUTORY


class YearGap(NamedTuple):
    """A year without an official calendar. ``coverage`` says what is missing: ``statutory`` (the
    fixed holidays are known; the notice's bridging days off and 调休 make-up working days are not)
    or ``weekdays_only`` (no holiday at all)."""

    year: int
    coverage: str


def coming_year_uncovered(today: date | None = None) -> YearGap | None:
    """The next calendar year when it has no official calendar yet, else None (shown to admins)."""
    year = (today or timezone.localdate()).year + 1
    coverage = year_coverage(year)
    return None if coverage == OFFICIAL else YearGap(year, coverage)


def official_is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        pass
    holiday_year = holiday_years().get(day.year)
    if holiday_year is None or not holiday_year.complete:
        _warn_uncovered(day.year)
    if holiday_year is not None and day in holiday_year.days:
        return holiday_year.days[day]
    return day.weekday() < 5


def working_calendar() -> WorkingCalendar:
    """A calendar reading overrides once per build; build one per operation, not per process."""
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))

    def is_working_day(day: date) -> bool:
        return overrides[day] if day in overrides else official_is_working_day(day)

    return WorkingCalendar(periods=parse_periods(settings.CASE_WORKING_PERIODS),
                           is_working_day=is_working_day, tz=ZoneInfo(settings.TIME_ZONE))
