"""The project's working calendar: settings + official holidays + local overrides.

Which days are working days, in order of precedence:

1. a :class:`~gridmgmt.cases.models.CalendarOverride` row (edited in the admin);
2. the official calendar from ``chinesecalendar`` (holidays and 调休 make-up
   working days; version 1.11.0 covers 2004–2026);
3. outside the years ``chinesecalendar`` knows: Monday to Friday, logged once
   per year so that an operator adds that year's holidays as overrides.
"""

import logging
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from gridmgmt.cases.calendar import WorkingCalendar, parse_periods
from gridmgmt.cases.models import CalendarOverride

log = logging.getLogger(__name__)


@cache
def _warn_uncovered(year: int) -> None:
    log.warning("chinesecalendar does not cover %s: using Monday–Friday plus local overrides", year)


def official_is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_uncovered(day.year)
        return day.weekday() < 5


def working_calendar() -> WorkingCalendar:
    """A calendar reading overrides once per build; build one per operation, not per process."""
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))

    def is_working_day(day: date) -> bool:
        return overrides[day] if day in overrides else official_is_working_day(day)

    return WorkingCalendar(periods=parse_periods(settings.CASE_WORKING_PERIODS),
                           is_working_day=is_working_day, tz=ZoneInfo(settings.TIME_ZONE))
