"""Working-time arithmetic (工作时/工作日) for case time limits.

Pure: no Django. A :class:`WorkingCalendar` is built from plain data: the
working periods of a working day (e.g. 08:30–12:00 and 14:00–17:30), a
function saying whether a date is a working day (weekends, public holidays
and make-up working days 调休 are decided by the caller), and the time zone
the periods are read in. Datetimes in and out are timezone-aware.

A limit in working days is counted as that many full working days of
working hours (1 working day = the sum of the periods, 7 h by default), so
a case dispatched on Friday at 16:00 with 1 working day is due on the next
working day at 16:00. A moment outside working hours counts from the next
period's start; a deadline that uses up a period exactly ends at that
period's end (12:00), not at the next one's start.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Upper bound of calendar days scanned; a calendar with no working days in ten
# years is misconfigured, and scanning on would never end.
MAX_SCAN_DAYS = 3660


class CalendarError(ValueError):
    """The calendar cannot answer (no working time found, bad periods)."""


def hours_per_day_of(periods: tuple[tuple[time, time], ...]) -> float:
    """Working hours in one working day of ``periods`` (7 with 08:30–12:00 and 14:00–17:30)."""
    return sum(_hours(day_start, day_end) for day_start, day_end in periods)


def limit_in_hours(value: float, unit: str, hours_per_day: float) -> float:
    """A limit of ``value`` ``unit`` (``"working_hours"`` or ``"working_days"``) in working hours."""
    if unit == "working_hours":
        return value
    if unit == "working_days":
        return value * hours_per_day
    raise CalendarError(f"unknown time-limit unit {unit!r}")


def parse_periods(spec: list[tuple[str, str]]) -> tuple[tuple[time, time], ...]:
    """``[("08:30", "12:00"), ...]`` → sorted, non-overlapping ``(start, end)`` times."""
    periods = tuple(sorted((time.fromisoformat(a), time.fromisoformat(b)) for a, b in spec))
    for (start, end), following in zip(periods, periods[1:] + ((time.max, time.max),)):
        if not start < end <= following[0]:
            raise CalendarError(f"working periods must be increasing and disjoint, got {spec}")
    return periods


@dataclass(frozen=True)
class WorkingCalendar:
    periods: tuple[tuple[time, time], ...]
    is_working_day: Callable[[date], bool]
    tz: ZoneInfo

    @property
    def hours_per_day(self) -> float:
        return hours_per_day_of(self.periods)

    def _spans(self, start_day: date):
        """Working spans (aware start, aware end) from ``start_day`` on, in order."""
        for offset in range(MAX_SCAN_DAYS):
            day = start_day + timedelta(days=offset)
            if self.is_working_day(day):
                for a, b in self.periods:
                    yield (datetime.combine(day, a, self.tz), datetime.combine(day, b, self.tz))
        raise CalendarError(f"no working time within {MAX_SCAN_DAYS} days of {start_day}")

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` working hours after ``start``."""
        if not 0 <= hours <= MAX_SCAN_DAYS * 24:  # more cannot be found by the scan (and overflows past 9999)
            raise CalendarError(f"hours must be from 0 to {MAX_SCAN_DAYS * 24}, got {hours}")
        local = start.astimezone(self.tz)
        remaining = timedelta(hours=hours)
        for span_start, span_end in self._spans(local.date()):
            if span_end <= local:
                continue
            begin = max(span_start, local)
            if begin + remaining <= span_end:
                return begin + remaining
            remaining -= span_end - begin
        raise AssertionError("unreachable: _spans raises when exhausted")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        return self.add_working_hours(start, days * self.hours_per_day)

    def add_limit(self, start: datetime, value: int, unit: str) -> datetime:
        """``unit`` is ``"working_hours"`` or ``"working_days"`` (SmallClass.time_limit_unit)."""
        return self.add_working_hours(start, limit_in_hours(value, unit, self.hours_per_day))

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours in [start, end); 0 if end ≤ start."""
        if end <= start:
            return 0.0
        local_start, local_end = start.astimezone(self.tz), end.astimezone(self.tz)
        total = timedelta()
        for span_start, span_end in self._spans(local_start.date()):
            if span_start >= local_end:
                break
            overlap = min(span_end, local_end) - max(span_start, local_start)
            if overlap > timedelta():
                total += overlap
        return total.total_seconds() / 3600


def _hours(a: time, b: time) -> float:
    return (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds() / 3600
