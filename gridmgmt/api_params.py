"""Parsing of request parameters, written once for the API, Open311 and the pages.

Every parser takes a mapping (``request.query_params``, ``request.GET``, a
form dict) and a parameter name, and raises DRF's
:class:`~rest_framework.exceptions.ValidationError` as ``{name: message}``
when the value is not what the name promises; the API answers it with 400,
Open311 with its error list, the pages with their form errors. Nothing here
ever lets a ``ValueError``/``OverflowError`` through.

Numbers are ASCII only: Python's ``int()``/``float()`` also read Unicode
digits (``"١٢"``), ``str.isdigit()`` accepts ``"²"`` that ``int()`` refuses,
and ``"1_000"``; none of these is a number a client meant. Date-times take
any UTC offset (``Z``, ``+08:00``); one without an offset is read in
``TIME_ZONE`` (Asia/Shanghai). Date arithmetic near year 1 or 9999 is
clamped or answered "no upper bound" instead of overflowing.
"""

import argparse
import math
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.geo import STORAGE_SRID
from gridmgmt.numbers import json_number
from spatial.crs import UnknownCRSError, parse_crs, to_wgs84

# Largest id a client may ask for: PostgreSQL bigint.
MAX_ID = 2**63 - 1
# Largest value of a PostgreSQL integer column (a count, a target).
MAX_INT = 2**31 - 1
# Longest free text a person may store, in characters, given to clean_text by every place that stores one.
DESCRIPTION_MAX = 2000  # a report's description (intake, API, Open311, hotline)
NOTE_MAX = 2000  # a case step's note, reason or feedback (department notes, returns, postponements ...)
ADDRESS_MAX = 255  # a report's address (the column's width)
NAME_MAX = 64  # a person's name given with a report (the hotline caller's column)
_INT = re.compile(r"[+-]?[0-9]{1,19}", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]] with an optional Z or ±HH[:MM] offset.
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?",
    re.ASCII | re.IGNORECASE)
# XML 1.0 cannot carry C0 controls other than tab, newline and carriage return
# (nor U+FFFE/U+FFFF); PostgreSQL text cannot hold NUL at all.
_C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _bad(name: str, message: str):
    return ValidationError({name: f"'{name}' {message}"})


def _raw(params, name: str, *, required: bool) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise _bad(name, "is required")
        return None
    if not isinstance(raw, str):
        raise _bad(name, f"must be text, got {type(raw).__name__}")
    if "\x00" in raw:
        raise _bad(name, "contains a NUL character")
    return raw.strip()


def has_control_characters(value: str) -> bool:
    """True when ``value`` holds a character XML 1.0 or PostgreSQL text cannot carry."""
    return bool(_C0.search(value))


def strip_control_characters(value: str) -> str:
    """``value`` without C0 controls (tab, newline and carriage return stay)."""
    return _C0.sub("", value)


def clean_text(value, name: str, *, max_length: int | None = None) -> str:
    """Free text stored from a person: NUL refused, other C0 controls removed.

    The one intake rule for descriptions, addresses, notes and attribute text,
    so every stored text can be written into XML (Open311) as it is. Text
    longer than ``max_length`` characters (counted after the controls are
    removed; the limits are the ``*_MAX`` constants above) is refused, not cut.
    Raises ValidationError ``{name: message}`` in the active language.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(name, f"must be text, got {type(value).__name__}")
    if "\x00" in value:
        raise ValidationError({name: _("'%(name)s' contains a NUL character, which no text may hold.")
                               % {"name": name}})
    value = strip_control_characters(value)
    if max_length is not None and len(value) > max_length:
        raise ValidationError({name: _("'%(name)s' is %(length)s characters long; at most %(limit)s are allowed.")
                               % {"name": name, "length": len(value), "limit": max_length}})
    return value


def text_param(params, name: str, *, required: bool = False, max_length: int = 200) -> str | None:
    """A short text parameter (a name, a search term), or None when absent."""
    raw = _raw(params, name, required=required)
    return None if raw is None else clean_text(raw, name, max_length=max_length)


def _code_problem(raw: str, lengths: tuple[int, ...]) -> str | None:
    if not raw.isascii() or not raw.isdigit() or (lengths and len(raw) not in lengths):
        what = f"{'/'.join(map(str, lengths))} digits" if lengths else "digits"
        return f"must be a code of {what}, got {raw[:40]!r}"
    return None


def code_param(params, name: str, *, lengths: tuple[int, ...] = (), required: bool = False) -> str | None:
    """An official code (GB/T 2260 area, grid, small class): ASCII digits, optionally of given lengths."""
    raw = _raw(params, name, required=required)
    if raw is None:
        return None
    problem = _code_problem(raw, lengths)
    if problem:
        raise _bad(name, problem)
    return raw


def code_argument(length: int):
    """argparse ``type`` of a command's code option (``--street``): the rule of :func:`code_param`."""
    def parse(value: str) -> str:
        problem = _code_problem(value, (length,))
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value
    parse.__name__ = f"{length}-digit code"  # argparse names the type in its message
    return parse


def list_param(params, name: str, *, max_items: int = 100) -> list[str] | None:
    """Comma-separated words, or None when absent."""
    raw = _raw(params, name, required=False)
    if raw is None:
        return None
    items = [clean_text(item.strip(), name) for item in raw.split(",") if item.strip()]
    if len(items) > max_items:
        raise _bad(name, f"takes at most {max_items} values, got {len(items)}")
    return items or None


def ascii_integer(raw) -> int | None:
    """The integer ``raw`` (a JSON integer, or ASCII digits with an optional sign, at most 19) stands for,
    or None: ``int()`` alone takes ``"١٢"`` and ``"1_0"``, and ``"²".isdigit()`` is true while ``int("²")``
    fails."""
    text = raw.strip() if isinstance(raw, str) else str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
    return int(text) if text is not None and _INT.fullmatch(text) else None


def int_value(raw, name: str, *, low: int, high: int) -> int:
    """One integer (:func:`ascii_integer`) within ``[low, high]``."""
    value = ascii_integer(raw)
    if value is None or not (low <= value <= high):
        raise _bad(name, f"must be an integer from {low} to {high}, got {raw!r}")
    return value


def int_param(params, name: str, *, default: int | None, low: int, high: int, required: bool = False) -> int | None:
    raw = _raw(params, name, required=required)
    return default if raw is None else int_value(raw, name, low=low, high=high)


def int_argument(*, low: int, high: int):
    """argparse ``type`` of a command's integer option (``--target-households``), by :func:`ascii_integer`:
    ``type=int`` also took ``"١٢"`` and ``"1_0"``, and any size (a 2**64 reached the column as a DataError)."""
    def parse(value: str) -> int:
        number = ascii_integer(value)
        if number is None or not (low <= number <= high):
            raise argparse.ArgumentTypeError(f"must be an integer from {low} to {high}, got {value!r}")
        return number
    parse.__name__ = "integer"  # argparse names the type in its message
    return parse


def int_list_param(params, name: str, *, max_items: int, low: int = 1, high: int = MAX_ID) -> list[int] | None:
    """Comma-separated integers (ids), at most ``max_items`` of them."""
    raw = _raw(params, name, required=False)
    if raw is None:
        return None
    items = [item for item in raw.split(",") if item.strip()]
    if len(items) > max_items:
        raise _bad(name, f"takes at most {max_items} values, got {len(items)}")
    return [int_value(item, name, low=low, high=high) for item in items] or None


def bool_param(params, name: str, *, default: bool = False) -> bool:
    raw = _raw(params, name, required=False)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise _bad(name, f"must be true or false, got {raw!r}")


def ascii_number(raw) -> float | None:
    """The finite number ``raw`` (a JSON number, see :func:`json_number`, or ASCII text such as ``-1.5e3``)
    stands for, or None: also for Unicode digits (``"١٢"``), ``"1_000"`` and ``"1e309"``.
    """
    if not isinstance(raw, str):
        return json_number(raw)
    text = raw.strip()
    value = float(text) if _FLOAT.fullmatch(text) else None
    return value if value is not None and math.isfinite(value) else None


def float_value(raw, name: str, *, low: float, high: float) -> float:
    value = ascii_number(raw)
    if value is None or not (low <= value <= high):
        raise _bad(name, f"must be a number between {low} and {high}, got {raw!r}")
    return value


def number_argument(*, low: float, high: float):
    """argparse ``type`` of a command's number option (``--dwelling-area``), by :func:`ascii_number`:
    ``type=float`` also took ``"nan"``, ``"inf"``, ``"1e309"`` and ``"٩٠"``."""
    def parse(value: str) -> float:
        number = ascii_number(value)
        if number is None or not (low <= number <= high):
            raise argparse.ArgumentTypeError(f"must be a number from {low:g} to {high:g}, got {value!r}")
        return number
    parse.__name__ = "number"
    return parse


def float_param(params, name: str, *, low: float, high: float, required: bool = True) -> float | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise _bad(name, "is required")
        return None
    return float_value(raw, name, low=low, high=high)


def choice_param(params, name: str, choices, *, default: str | None = None) -> str | None:
    raw = _raw(params, name, required=False)
    if raw is None:
        return default
    if raw not in choices:
        raise _bad(name, f"must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def iso_day(raw) -> date | None:
    """``raw`` as a day when it is a string of exactly YYYY-MM-DD naming a real day, else None.

    The one rule for a day a person or a client sends: ``date.fromisoformat`` alone also takes
    ``20260101`` and ``2026-W01-1`` (Python 3.11), and 2026-02-30 is no day.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # matches the pattern but is no day: 2026-02-30, 1985-13-12
        return None


def date_value(raw, name: str) -> date:
    day = iso_day(raw)
    if day is None:
        raise _bad(name, f"must be a date YYYY-MM-DD, got {raw!r}")
    return day


def day_argument(value: str) -> date:
    """argparse ``type`` of a command's day option (``--valid-from``), by :func:`iso_day`."""
    day = iso_day(value)
    if day is None:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {value!r}")
    return day


def date_param(params, name: str, *, required: bool = False) -> date | None:
    raw = _raw(params, name, required=required)
    return None if raw is None else date_value(raw, name)


def datetime_value(raw, name: str, *, offset_required: bool = False) -> datetime:
    """An aware date-time from ISO 8601 with any offset; naive ones are read in TIME_ZONE, or refused
    with ``offset_required`` (a device's clock: its zone is not ours to guess)."""
    text = raw.strip() if isinstance(raw, str) else ""
    value = None
    if _DATETIME.fullmatch(text):
        text = text[:-1] + "+00:00" if text[-1] in "zZ" else text
        try:
            value = datetime.fromisoformat(text)
            if timezone.is_naive(value):
                if offset_required:
                    raise _bad(name, f"must carry a UTC offset (such as +08:00 or Z), got {raw!r}")
                value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
            value.astimezone(UTC)  # an offset past year 1 or 9999 cannot be an instant
        except (ValueError, OverflowError):
            value = None
    if value is None:
        raise _bad(name, f"must be an ISO 8601 date-time such as 2026-01-31T09:30:00+08:00, got {raw!r}")
    return value


def datetime_param(params, name: str, *, required: bool = False) -> datetime | None:
    raw = _raw(params, name, required=required)
    return None if raw is None else datetime_value(raw, name)


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, clamped a day inside the representable years instead of overflowing."""
    try:
        return moment + delta
    except OverflowError:
        edge = datetime.max - timedelta(days=1) if delta > timedelta(0) else datetime.min + timedelta(days=1)
        return edge.replace(tzinfo=UTC)


def day_start(day: date, tz=None) -> datetime:
    """Midnight starting ``day`` in ``tz`` (default TIME_ZONE)."""
    return datetime.combine(day, time(), tz or ZoneInfo(settings.TIME_ZONE))


# The latest instant a date parameter can reach: the bound "no upper bound" stands for.
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)


def day_end_exclusive(day: date, tz=None) -> datetime:
    """Midnight after ``day``: an inclusive last day made an exclusive bound.

    For 9999-12-31 (and the day before, whose next midnight in a zone east of
    UTC is past Python's last year) the answer is :data:`END_OF_TIME`, that is
    no upper bound, never ``OverflowError``.
    """
    if day >= date.max - timedelta(days=1):
        return END_OF_TIME
    return day_start(day + timedelta(days=1), tz)


def crs_param(params, name: str = "crs"):
    """The parsed CRS of the request's coordinates; ``wgs84`` (the default) is EPSG:4326."""
    raw = _raw(params, name, required=False) or "wgs84"
    if raw.lower() == "wgs84":
        raw = "EPSG:4326"
    if len(raw) > 64 or has_control_characters(raw):
        raise _bad(name, f"is not a CRS name, got {raw[:64]!r}")
    try:
        return parse_crs(raw)
    except UnknownCRSError as exc:
        raise ValidationError({name: str(exc)}) from None


def point_param(params, *, lat: str = "lat", lng: str = "lng") -> Point:
    """A WGS84 point from ``lat``/``lng`` (and optional ``crs``, e.g. gcj02)."""
    lat_value = float_param(params, lat, low=-90, high=90)
    lng_value = float_param(params, lng, low=-180, high=180)
    crs_name = params.get("crs") or "wgs84"
    if isinstance(crs_name, str) and crs_name.lower() in ("wgs84", "epsg:4326", "4326"):
        return Point(lng_value, lat_value, srid=STORAGE_SRID)  # most requests: no CRS to build
    crs = crs_param(params)
    wgs = to_wgs84(ShapelyPoint(lng_value, lat_value), crs)  # shapely order: (lng, lat)
    if not (-180 <= wgs.x <= 180 and -90 <= wgs.y <= 90):  # a projected CRS can land anywhere
        raise ValidationError({lat: f"the point converted from {crs_name} is outside WGS84's range"})
    return Point(wgs.x, wgs.y, srid=STORAGE_SRID)


def bbox_param(params, name: str = "in_bbox", *, required: bool = False) -> tuple[float, float, float, float] | None:
    """``minLng,minLat,maxLng,maxLat`` in WGS84, or None when absent (a 400 when ``required``)."""
    raw = _raw(params, name, required=required)
    if raw is None:
        return None
    parts = raw.split(",")
    message = f"must be minLng,minLat,maxLng,maxLat in WGS84, got {raw!r}"
    if len(parts) != 4:
        raise _bad(name, message)
    limits = ((-180, 180), (-90, 90), (-180, 180), (-90, 90))
    try:
        values = tuple(float_value(p, name, low=low, high=high) for p, (low, high) in zip(parts, limits))
    except ValidationError:
        raise _bad(name, message) from None
    if not (values[0] <= values[2] and values[1] <= values[3]):
        raise _bad(name, message)
    return values


def tile_param(params, *, max_zoom: int = 22) -> tuple[int, int, int]:
    """``z``, ``x``, ``y`` of a web-map tile (XYZ scheme): z 0–``max_zoom``, x and y 0–2**z − 1; all required."""
    z = int_value(_raw(params, "z", required=True), "z", low=0, high=max_zoom)
    x, y = (int_value(_raw(params, name, required=True), name, low=0, high=2 ** z - 1) for name in ("x", "y"))
    return z, x, y
