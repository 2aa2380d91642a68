"""Holiday files: a year's public holidays and make-up working days (调休) as data, for years
``chinesecalendar`` does not know yet.

A file is JSON::

    {"year": 2027, "complete": true, "source": "国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕N号)",
     "days": [{"date": "2027-01-01", "working": false, "name": "元旦"},
              {"date": "2027-02-20", "working": true, "name": "春节调休上班"}, ...]}

``complete`` is true only for the State Council's notice (every holiday and
every 调休 day of the year); a file of the statutory days alone (Decree 270
as amended 2024) is ``false``: days it does not list are Monday to Friday.

Files are read from the shipped folder (``gridmgmt/cases/holidays``) and
from ``settings.CASE_HOLIDAY_DIR`` (where ``manage.py import_holidays`` puts
them); for one year the imported file wins over the shipped one.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from gridmgmt.api_params import iso_day
from gridmgmt.json_input import json_loads

SHIPPED_DIR = Path(__file__).resolve().parent / "holidays"


class HolidayFileError(ValueError):
    """A holiday file that cannot be used; the message names the field or day."""


@dataclass(frozen=True)
class HolidayYear:
    year: int
    complete: bool
    source: str
    days: dict[date, bool]  # date → is a working day


def parse_holiday_file(text: str) -> HolidayYear:
    """Check and read one file's text; raises :class:`HolidayFileError` naming what is wrong."""
    try:
        data = json_loads(text)
    except ValueError as exc:
        raise HolidayFileError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise HolidayFileError("the file must be a JSON object with year, complete, source and days")
    year, complete, source, days = (data.get(k) for k in ("year", "complete", "source", "days"))
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2200:
        raise HolidayFileError(f"'year' must be a year such as 2027, got {year!r}")
    if not isinstance(complete, bool):
        raise HolidayFileError("'complete' must be true (the State Council's notice) or false (statutory days only)")
    if not isinstance(source, str) or not source.strip():
        raise HolidayFileError("'source' must name the notice or law the days come from")
    if not isinstance(days, list) or not days:
        raise HolidayFileError("'days' must be a non-empty list")
    parsed: dict[date, bool] = {}
    for index, day in enumerate(days, start=1):
        if not isinstance(day, dict):
            raise HolidayFileError(f"day #{index} must be an object with date, working and name")
        when = iso_day(day.get("date"))
        if when is None:
            raise HolidayFileError(f"day #{index}: 'date' must be YYYY-MM-DD, got {day.get('date')!r}")
        if when.year != year:
            raise HolidayFileError(f"day #{index}: {when} is not in {year}")
        if not isinstance(day.get("working"), bool):
            raise HolidayFileError(f"day #{index} ({when}): 'working' must be true or false")
        if when in parsed:
            raise HolidayFileError(f"day #{index}: {when} is listed twice")
        parsed[when] = day["working"]
    return HolidayYear(year=year, complete=complete, source=source.strip(), days=parsed)


def _folders() -> list[Path]:
    return [SHIPPED_DIR, Path(settings.CASE_HOLIDAY_DIR)]


@lru_cache(maxsize=8)
def _load(folders: tuple[Path, ...], stamp: tuple) -> dict[int, HolidayYear]:
    years: dict[int, HolidayYear] = {}
    for folder in folders:  # later folders (imported files) win
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            holiday_year = parse_holiday_file(path.read_text(encoding="utf-8"))
            years[holiday_year.year] = holiday_year
    return years


def holiday_years() -> dict[int, HolidayYear]:
    """Every year a holiday file describes, re-read when a file changes."""
    folders = tuple(_folders())
    stamp = tuple((p.name, p.stat().st_mtime_ns) for f in folders if f.is_dir() for p in sorted(f.glob("*.json")))
    return _load(folders, stamp)
