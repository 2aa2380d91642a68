"""Read OpenStreetMap XML extracts offline into plain shapely data.

Every reader takes a path to an ``.osm`` or ``.osm.bz2`` file, parses it with
osmnx 2 (``features_from_xml``; nothing is fetched), and returns frozen
dataclasses whose geometries are WGS84 (EPSG:4326), (lng, lat) degrees.
``osm_type`` (``"node"``, ``"way"`` or ``"relation"``) is carried with every
``osm_id`` because OSM ids are only unique within an element type.

A file that cannot be read (missing, not XML, not OSM, truncated or corrupt
bz2) raises ``OsmReadError`` naming the file; a readable file without the
wanted features gives an empty list.

Known limitation, inherited from osmnx: a way with a node missing from the
extract (a way cut at the extract's edge by a tool without "complete ways")
gets no geometry and is left out.
"""

from __future__ import annotations

import bz2
import gzip
import os
import xml.etree.ElementTree as ET
import xml.sax
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import osmnx as ox
# osmnx 2 exports no public name for its error classes.
from osmnx._errors import InsufficientResponseError
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from spatial.osm_households import HouseholdsSource, building_households

OsmPath = str | os.PathLike[str]

# Streets people see as boundaries, which is what a grid may be cut along.
# Left out: *_link ramps (they cut slivers inside interchanges), service
# roads (driveways, parking aisles), track, and paths for feet, bikes and
# horses (footway, path, steps, cycleway, bridleway, corridor).
DEFAULT_ROAD_TYPES = frozenset(
    {
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "residential",
        "living_street",
        "pedestrian",
    }
)
WATERWAY_TYPES = frozenset({"river", "canal", "stream"})
RAILWAY_TYPES = frozenset({"rail", "light_rail", "narrow_gauge"})
HEALTH_AMENITIES = frozenset({"hospital", "clinic", "doctors", "pharmacy"})


def _configure_osmnx_offline() -> None:
    # Government networks are often cut off from the internet, and this
    # module only reads files. Should any osmnx call try to reach Overpass,
    # Nominatim or a DNS-over-HTTPS resolver, the reserved .invalid domain
    # makes it fail at once instead of leaking a request.
    offline_url = "http://osmnx-offline.invalid"
    ox.settings.overpass_url = offline_url
    ox.settings.nominatim_url = offline_url
    ox.settings.doh_url_template = None
    ox.settings.use_cache = False


_configure_osmnx_offline()


class OsmReadError(ValueError):
    """An OSM file that cannot be read; the message names the file and the cause."""


@dataclass(frozen=True, slots=True)
class AdminBoundary:
    """An administrative area (boundary=administrative), e.g. a street or community."""

    osm_type: str
    osm_id: int
    name: str | None
    admin_level: int
    codes: dict[str, str]
    """Code tags: ``ref``, ``ref:*`` and keys containing ``code``."""
    geometry: MultiPolygon


@dataclass(frozen=True, slots=True)
class OsmBuilding:
    """A building and the households (户) it holds; see ``spatial.osm_households``."""

    osm_type: str
    osm_id: int
    building: str
    """The ``building`` tag value (``yes``, ``apartments``, ...)."""
    geometry: Polygon | MultiPolygon | Point
    footprint_area_m2: float
    """0 for a building mapped as a point."""
    households: int
    households_source: HouseholdsSource
    levels: int
    address: str | None
    """``housenumber street, city`` from the ``addr:*`` tags present, else None."""


@dataclass(frozen=True, slots=True)
class Road:
    """A street, one per OSM way (so the two directions are one record)."""

    osm_id: int
    name: str | None
    highway: str
    geometry: LineString


@dataclass(frozen=True, slots=True)
class LinearBarrier:
    """A river, canal, stream or railway line: a boundary a grid may follow."""

    osm_id: int
    name: str | None
    key: str
    """``waterway`` or ``railway``."""
    value: str
    geometry: LineString


@dataclass(frozen=True, slots=True)
class HealthPoi:
    """A medical facility, for the grid's medical-management duty."""

    osm_type: str
    osm_id: int
    name: str | None
    kind: str
    """The ``amenity`` value if it is a health amenity, else the ``healthcare`` value."""
    geometry: Point
    """The node itself, or a point inside the mapped area."""


def read_admin_boundaries(path: OsmPath, admin_levels: Iterable[int]) -> list[AdminBoundary]:
    """Read the administrative areas of the given OSM admin levels.

    Parameters
    ----------
    path
        An ``.osm`` or ``.osm.bz2`` file.
    admin_levels
        OSM ``admin_level`` values to keep (in China 6 is usually the
        district, 8 the street, 10 the community, but check the data).

    Returns
    -------
    list of AdminBoundary
        Closed ways and boundary/multipolygon relations, geometry as a
        MultiPolygon in WGS84. Unclosed ways are left out.
    """
    wanted_levels = {str(level) for level in admin_levels}
    boundaries = []
    for osm_type, osm_id, tags, geometry in _features(path, {"boundary": "administrative"}):
        if tags.get("admin_level") not in wanted_levels:
            continue
        if isinstance(geometry, Polygon):
            geometry = MultiPolygon([geometry])
        if not isinstance(geometry, MultiPolygon):
            continue
        codes = {key: value for key, value in tags.items() if _is_code_key(key)}
        boundaries.append(
            AdminBoundary(
                osm_type, osm_id, tags.get("name"), int(tags["admin_level"]), codes, geometry
            )
        )
    return boundaries


def read_buildings(
    path: OsmPath, *, dwelling_area_m2: float = 90.0, default_levels: int = 1
) -> list[OsmBuilding]:
    """Read buildings with their households.

    Parameters
    ----------
    path
        An ``.osm`` or ``.osm.bz2`` file.
    dwelling_area_m2
        Gross floor area of one dwelling in square metres, for the estimate.
    default_levels
        Storeys to assume when ``building:levels`` is missing.

    Returns
    -------
    list of OsmBuilding
        Footprints (or points) in WGS84; areas measured in square metres in
        the UTM zone of the extract's centre.

    Raises
    ------
    ValueError
        If ``dwelling_area_m2`` is not positive or ``default_levels`` < 1.
    """
    if not dwelling_area_m2 > 0:
        raise ValueError(f"dwelling_area_m2 must be positive, got {dwelling_area_m2!r}")
    if default_levels < 1:
        raise ValueError(f"default_levels must be at least 1, got {default_levels!r}")
    gdf = _features_gdf(path, {"building": True})
    if gdf.empty:
        return []
    # One UTM zone for the extract: for a district-sized area the scale error
    # is well under 0.1 %, far below the uncertainty of the estimate itself.
    areas_m2 = gdf.geometry.to_crs(gdf.estimate_utm_crs()).area.to_numpy()
    buildings = []
    for (osm_type, osm_id, tags, geometry), area_m2 in zip(_rows(gdf), areas_m2, strict=True):
        if tags["building"] == "no" or not isinstance(geometry, Polygon | MultiPolygon | Point):
            continue
        households, source, levels = building_households(
            tags, float(area_m2), dwelling_area_m2=dwelling_area_m2, default_levels=default_levels
        )
        buildings.append(
            OsmBuilding(
                osm_type,
                osm_id,
                tags["building"],
                geometry,
                float(area_m2),
                households,
                source,
                levels,
                _address(tags),
            )
        )
    return buildings


def read_roads(path: OsmPath, *, highway_types: Iterable[str] = DEFAULT_ROAD_TYPES) -> list[Road]:
    """Read the streets a grid may be cut along.

    Parameters
    ----------
    path
        An ``.osm`` or ``.osm.bz2`` file.
    highway_types
        ``highway`` values to keep; see ``DEFAULT_ROAD_TYPES`` for the reasons.

    Returns
    -------
    list of Road
        One per OSM way, as a WGS84 LineString. Left out: roads in a tunnel
        (not a boundary anyone sees) and closed ways mapped as areas
        (``area=yes`` pedestrian squares).
    """
    return [
        Road(osm_id, name, value, geometry)
        for _, osm_id, name, value, geometry in _surface_lines(path, {"highway": highway_types})
    ]


def read_waterways_and_railways(path: OsmPath) -> list[LinearBarrier]:
    """Read rivers, canals, streams and railway lines, the other visible boundaries.

    Parameters
    ----------
    path
        An ``.osm`` or ``.osm.bz2`` file.

    Returns
    -------
    list of LinearBarrier
        WGS84 LineStrings of ``WATERWAY_TYPES`` and ``RAILWAY_TYPES``, left
        out when in a tunnel or culvert. Water areas (riverbanks) are not read.
    """
    values_by_key = {"waterway": WATERWAY_TYPES, "railway": RAILWAY_TYPES}
    return [
        LinearBarrier(osm_id, name, key, value, geometry)
        for key, osm_id, name, value, geometry in _surface_lines(path, values_by_key)
    ]


def read_health_pois(path: OsmPath) -> list[HealthPoi]:
    """Read hospitals, clinics, doctors, pharmacies and any ``healthcare=*`` feature.

    Parameters
    ----------
    path
        An ``.osm`` or ``.osm.bz2`` file.

    Returns
    -------
    list of HealthPoi
        WGS84 points; a mapped area gives a point guaranteed inside it.
    """
    pois = []
    tags_wanted = {"amenity": sorted(HEALTH_AMENITIES), "healthcare": True}
    for osm_type, osm_id, tags, geometry in _features(path, tags_wanted):
        amenity = tags.get("amenity")
        kind = amenity if amenity in HEALTH_AMENITIES else tags["healthcare"]
        point = geometry if isinstance(geometry, Point) else geometry.representative_point()
        pois.append(HealthPoi(osm_type, osm_id, tags.get("name"), kind, point))
    return pois


def osm_extract_area(path: OsmPath) -> Polygon:
    """The area an extract covers.

    Parameters
    ----------
    path
        An ``.osm`` or ``.osm.bz2`` file.

    Returns
    -------
    Polygon
        The ``<bounds>`` (or osmosis ``<bound box=...>``) rectangle, else the
        convex hull of all nodes, in WGS84. This is the area the extract was
        cut to: extracts with complete ways carry features reaching past it.

    Raises
    ------
    OsmReadError
        If the file cannot be read, or has no bounds and fewer than 3 nodes.
    """
    lnglats = []
    with _reading(path):
        for element in _osm_elements(path):
            try:
                if element.tag == "bounds":
                    corners = ("minlon", "minlat", "maxlon", "maxlat")
                    return box(*(float(element.attrib[corner]) for corner in corners))
                if element.tag == "bound":
                    # osmosis order: minlat,minlon,maxlat,maxlon
                    box_values = element.attrib["box"].split(",")
                    min_lat, min_lng, max_lat, max_lng = map(float, box_values)
                    return box(min_lng, min_lat, max_lng, max_lat)
                if element.tag == "node":
                    lnglats.append((float(element.attrib["lon"]), float(element.attrib["lat"])))
            except (KeyError, ValueError) as error:
                raise OsmReadError(
                    f"cannot read OSM file {path}: malformed <{element.tag}> ({error!r})"
                ) from error
    hull = MultiPoint(lnglats).convex_hull
    if not isinstance(hull, Polygon):
        raise OsmReadError(
            f"cannot read OSM file {path}: no <bounds> and too few nodes for an area"
        )
    return hull


def _surface_lines(
    path: OsmPath, values_by_key: dict[str, Iterable[str]]
) -> Iterator[tuple[str, int, str | None, str, LineString]]:
    """(key, way id, name, value, line) of ways matching any key's values, not in a tunnel."""
    wanted = {key: sorted(values) for key, values in values_by_key.items()}
    for osm_type, osm_id, tags, geometry in _features(path, wanted):
        in_tunnel = tags.get("tunnel", "no") != "no"
        if osm_type != "way" or not isinstance(geometry, LineString) or in_tunnel:
            continue
        # osmnx keeps a feature matching any key; report the first that matched.
        key = next(key for key, values in wanted.items() if tags.get(key) in values)
        yield key, osm_id, tags.get("name"), tags[key], geometry


def _features(
    path: OsmPath, tags: dict[str, Any]
) -> Iterator[tuple[str, int, dict[str, str], BaseGeometry]]:
    yield from _rows(_features_gdf(path, tags))


def _rows(gdf: gpd.GeoDataFrame) -> Iterator[tuple[str, int, dict[str, str], BaseGeometry]]:
    tag_columns = [column for column in gdf.columns if column != "geometry"]
    for (osm_type, osm_id), geometry, *values in zip(
        gdf.index, gdf.geometry, *(gdf[column] for column in tag_columns), strict=True
    ):
        # Absent tags are NaN in the frame; every present OSM tag is a string.
        tags = {key: value for key, value in zip(tag_columns, values) if isinstance(value, str)}
        yield osm_type, int(osm_id), tags, geometry


def _features_gdf(path: OsmPath, tags: dict[str, Any]) -> gpd.GeoDataFrame:
    _check_osm_root(path)
    with _reading(path):
        try:
            return ox.features_from_xml(path, tags=tags)
        except InsufficientResponseError:
            # osmnx's way of saying "no matching features": an empty result.
            return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")


def _check_osm_root(path: OsmPath) -> None:
    # osmnx reads any XML and would return nothing for, say, an HTML page
    # saved under a .osm name; a wrong file should fail loudly instead.
    with _reading(path), closing(_osm_elements(path)) as elements:
        root = next(elements, None)
    if root is None or root.tag != "osm":
        found = "nothing" if root is None else f"<{root.tag}>"
        raise OsmReadError(f"cannot read OSM file {path}: root element is {found}, not <osm>")


@contextmanager
def _reading(path: OsmPath) -> Iterator[None]:
    try:
        yield
    # EOFError: truncated bz2; OSError: missing file or corrupt bz2.
    except (OSError, EOFError, ET.ParseError, xml.sax.SAXException, UnicodeDecodeError) as error:
        raise OsmReadError(f"cannot read OSM file {path}: {error}") from error


def _osm_elements(path: OsmPath) -> Iterator[ET.Element]:
    """Elements of the file in document order, each with its attributes only."""
    with _open_osm(Path(path)) as file:
        for event, element in ET.iterparse(file, events=("start", "end")):
            if event == "start":
                yield element
            else:
                element.clear()  # keeps memory flat on a city-sized extract


@contextmanager
def _open_osm(path: Path) -> Iterator[IO[bytes]]:
    # The same suffix rule as osmnx uses, so both read a file the same way.
    if path.suffix == ".bz2":
        opener = bz2.open
    elif path.suffix == ".gz":
        opener = gzip.open
    else:
        opener = open
    with opener(path, "rb") as file:
        yield file


def _address(tags: dict[str, str]) -> str | None:
    street = tags.get("addr:street") or tags.get("addr:place")
    line = " ".join(part for part in (tags.get("addr:housenumber"), street) if part)
    parts = [part for part in (line, tags.get("addr:city")) if part]
    return ", ".join(parts) or None


def _is_code_key(key: str) -> bool:
    return key == "ref" or key.startswith("ref:") or "code" in key
