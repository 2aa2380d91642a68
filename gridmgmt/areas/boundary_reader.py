"""Reading boundary features from any GDAL vector file (GeoJSON, Shapefile, GeoPackage).

Returns plain records in WGS84; deciding what to write is the service's job.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.contrib.gis.gdal import DataSource, GDALException
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from spatial.crs import UnknownCRSError, lnglat_range_problem, parse_crs, to_wgs84
from spatial.input_files import UnreadableFileError, require_readable_file


class BoundaryFileError(ValueError):
    """The file as a whole cannot be read (missing, not a vector file, unknown CRS, missing field)."""


@dataclass
class BoundaryRecord:
    """One feature of the file, converted to WGS84 (lng, lat)."""

    index: int
    code: str
    name: str
    name_en: str
    parent_code: str
    geometry: BaseGeometry | None
    problems: list[str] = field(default_factory=list)
    repaired: bool = False
    origin: str = ""
    """Where the feature came from when not a file's feature number (``relation 101`` of an OSM extract)."""

    @property
    def label(self) -> str:
        where = f"{self.origin}" if self.origin else f"feature #{self.index}"
        return f"{where} (code {self.code or '?'}, {self.name or 'no name'})"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Shapefile DBF numbers arrive as floats: 440104.0 → "440104"
    return str(value).strip()


def _polygonal(geom: BaseGeometry) -> MultiPolygon | None:
    """The polygonal part of ``geom`` as a MultiPolygon (make_valid may return a collection)."""
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon) and not g.is_empty]
    polygons = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polygons) if polygons else None


def read_boundaries(
    path: str | Path,
    *,
    code_field: str,
    name_field: str,
    name_en_field: str | None = None,
    parent_field: str | None = None,
    crs: str | None = None,
) -> list[BoundaryRecord]:
    """Read every feature of the first layer of ``path``.

    Parameters
    ----------
    crs : str, optional
        The CRS of the coordinates (EPSG code, PROJ string or ``gcj02``);
        overrides what the file declares. Without it the file's CRS is used,
        and WGS84 when the file declares none (GeoJSON's default).

    Raises
    ------
    BoundaryFileError
        When the file cannot be opened, the CRS is unknown or a field is missing.
    """
    try:
        path = require_readable_file(path)
    except UnreadableFileError as exc:
        raise BoundaryFileError(str(exc)) from None
    try:
        source_crs = parse_crs(crs) if crs else None
    except UnknownCRSError as exc:
        raise BoundaryFileError(f"--crs: {exc}") from None
    try:
        layer = DataSource(str(path))[0]
    except (GDALException, IndexError) as exc:
        raise BoundaryFileError(f"{path}: not a readable vector file ({exc})") from None
    for option, name in (("code", code_field), ("name", name_field), ("name-en", name_en_field),
                         ("parent", parent_field)):
        if name and name not in layer.fields:
            raise BoundaryFileError(
                f"{path}: the {option} field '{name}' is not in the file (fields: {', '.join(layer.fields)})")
    if source_crs is None:
        source_crs = parse_crs(layer.srs.wkt) if layer.srs is not None else parse_crs(4326)

    records = []
    for index, feature in enumerate(layer, start=1):
        record = BoundaryRecord(
            index=index, code=_text(feature.get(code_field)), name=_text(feature.get(name_field)),
            name_en=_text(feature.get(name_en_field)) if name_en_field else "",
            parent_code=_text(feature.get(parent_field)) if parent_field else "", geometry=None)
        records.append(record)
        if not record.code:
            record.problems.append(f"empty code field '{code_field}'")
        if not record.name:
            record.problems.append(f"empty name field '{name_field}'")
        if feature.geom is None:
            record.problems.append("no geometry")
            continue
        geom = shapely.from_wkb(bytes(feature.geom.wkb))
        if not np.isfinite(shapely.get_coordinates(geom)).all():  # GEOS cannot even check NaN/Inf (1e400 in JSON)
            record.problems.append("coordinates that are not finite numbers (NaN or infinity)")
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = shapely.make_valid(geom)
            record.repaired = True
            record.problems.extend([] if _polygonal(geom) else [f"invalid geometry that cannot be repaired ({reason})"])
        polygonal = _polygonal(geom)
        if polygonal is None or polygonal.area == 0:
            if not record.problems:
                record.problems.append(f"geometry is {geom.geom_type}, not a polygon with area")
            continue
        record.geometry = to_wgs84(polygonal, source_crs)
        out_of_range = lnglat_range_problem(record.geometry)
        if out_of_range:
            raise BoundaryFileError(f"{path}: {record.label}: {out_of_range}; {_crs_hint(bool(crs))}")
    return records


def _crs_hint(given: bool) -> str:
    # Projected metres read as degrees are the usual cause: the file has a CRS nobody wrote down
    # (GDAL reads a GeoJSON without a crs member as WGS84, so "declared" and "assumed" look alike).
    example = "e.g. --crs EPSG:32649 for UTM zone 49N metres, --crs EPSG:4547 for CGCS2000 / 3-degree GK CM 114E"
    if not given:
        return ("they were read as WGS84 degrees, the file's CRS or GeoJSON's default when it declares none: "
                f"give the CRS of its coordinates with --crs ({example}); nothing written")
    return f"the CRS given with --crs does not fit the coordinates: give the right one ({example}); nothing written"
