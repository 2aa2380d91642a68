"""Parsing of query parameters shared by the APIs; errors name the parameter."""

from django.contrib.gis.geos import Point
from rest_framework.exceptions import ValidationError
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.geo import STORAGE_SRID
from spatial.crs import UnknownCRSError, parse_crs, to_wgs84


def float_param(params, name: str, *, low: float, high: float, required: bool = True) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        if required:
            raise ValidationError({name: f"'{name}' is required"})
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError({name: f"'{name}' must be a number, got {raw!r}"}) from None
    if not (low <= value <= high):  # also refuses nan
        raise ValidationError({name: f"'{name}' must be between {low} and {high}, got {raw}"})
    return value


def crs_param(params, name: str = "crs"):
    """The parsed CRS of the request's coordinates; ``wgs84`` (the default) is EPSG:4326."""
    raw = params.get(name) or "wgs84"
    if raw.lower() == "wgs84":
        raw = "EPSG:4326"
    try:
        return parse_crs(raw)
    except UnknownCRSError as exc:
        raise ValidationError({name: str(exc)}) from None


def point_param(params, *, lat: str = "lat", lng: str = "lng") -> Point:
    """A WGS84 point from ``lat``/``lng`` (and optional ``crs``, e.g. gcj02)."""
    lat_value = float_param(params, lat, low=-90, high=90)
    lng_value = float_param(params, lng, low=-180, high=180)
    if (params.get("crs") or "wgs84").lower() in ("wgs84", "epsg:4326", "4326"):
        return Point(lng_value, lat_value, srid=STORAGE_SRID)  # most requests: no CRS to build
    crs = crs_param(params)
    wgs = to_wgs84(ShapelyPoint(lng_value, lat_value), crs)  # shapely order: (lng, lat)
    return Point(wgs.x, wgs.y, srid=STORAGE_SRID)


def bbox_param(params, name: str = "in_bbox") -> tuple[float, float, float, float] | None:
    """``minLng,minLat,maxLng,maxLat`` in WGS84, or None when absent."""
    raw = params.get(name)
    if not raw:
        return None
    parts = raw.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not (values[0] <= values[2] and values[1] <= values[3]):
        raise ValidationError({name: f"'{name}' must be minLng,minLat,maxLng,maxLat, got {raw!r}"})
    return values


def int_param(params, name: str, *, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not (low <= int(raw) <= high):
        raise ValidationError({name: f"'{name}' must be an integer from {low} to {high}, got {raw!r}"})
    return int(raw)
