"""Read OpenStreetMap extracts offline, in one pass, into plain shapely data.

``read_extract`` reads an ``.osm``, ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf``
file with pyosmium (libosmium; the format follows the suffix) in a single
pass over the file, and returns frozen dataclasses whose geometries are WGS84
(EPSG:4326), (lng, lat) degrees. ``osm_type`` (``"node"``, ``"way"`` or
``"relation"``) is carried with every ``osm_id``: OSM ids are only unique
within an element type. Coordinates are those of the file, which OSM keeps in
units of 1e-7 degree (about 1 cm).

Memory is bounded by the extract's content: node locations in libosmium's
index (16 bytes a node), the node ids of every way (8 bytes a reference, kept
because a relation at the end of the file may name any way), and the features
kept. Nothing is parsed twice.

Extracts are cut at a bounding box, so a way can lack nodes and a relation
can lack member ways:

- a road, waterway or railway keeps the runs of its nodes that are present
  (the inside part); a run of one node is dropped;
- a building or a health area whose ring lacks a node cannot be built: it is
  left out and reported in ``OsmExtract.problems`` with why, unless
  ``close_cut_buildings`` is set: then a building is closed along the
  extract's edge (``spatial.osm_rings.close_cut_outline_along_edge``), its
  footprint and households being those of its inside part;
- an administrative boundary lacking nodes or member ways is left out and
  reported, unless ``close_cut_boundaries`` is set: then it is closed along
  the extract's edge (``spatial.osm_rings.close_along_edge``).

A way, relation, or node that is a feature, appearing more than once in
the file (two extracts concatenated, a hand edit), is read once: its last
copy is used, and it is named in ``OsmExtract.duplicates`` (the import
would otherwise write one element twice). A repeated plain node is not
looked for (that would cost a set of every node id): libosmium's location
index gives ways one of its copies.

A file that cannot be read (missing, not OSM, truncated or corrupt) raises
``OsmReadError`` naming the file; a readable file without the wanted features
gives empty lists.
"""

from __future__ import annotations

import bz2
import gzip
import math
import os
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

import osmium
import shapely
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
)
from shapely.geometry.base import BaseGeometry

from spatial.input_files import UnreadableFileError, require_readable_file
from spatial.osm_households import (
    MAX_PLAUSIBLE_LEVELS,
    MIN_PLAUSIBLE_FLAT_AREA_M2,
    HouseholdsSource,
    building_households,
    maps_building,
    not_a_building_reason,
    whole_number_tag,
)
from spatial.osm_rings import (
    RingError,
    assemble_rings,
    close_along_edge,
    close_cut_outline_along_edge,
)
from spatial.projection import local_metric

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
# Member roles of a boundary relation that name a point inside it.
INSIDE_NODE_ROLES = frozenset({"label", "admin_centre"})

OSM_TYPES = {"n": "node", "w": "way", "r": "relation"}
# libosmium keeps coordinates as integers in units of 1e-7 degree; this one means "no location".
COORDINATE_PRECISION = 10_000_000
UNDEFINED_COORDINATE = 2**31 - 1


# libosmium's bzip2 reader gives only libbz2's return code ("bzip2 error: read failed: -7"); bzlib.h names them.
BZIP2_ERRORS = {
    "-4": "the bzip2-compressed file is damaged (its data fail bzip2's check); fetch or copy it again",
    "-5": "the file is not bzip2-compressed though its name ends in .bz2",
    "-6": "the bzip2-compressed file could not be read from the disk",
    "-7": "the bzip2-compressed file is cut short (it ends inside its compressed data: an interrupted download "
          "or copy?); fetch or copy it again",
}
# libosmium's messages for a lat or lon that is not a number; they do not name the node.
COORDINATE_FORMAT_ERRORS = ("wrong format for coordinate", "characters after coordinate")
MAX_TAG_BYTES = 1024  # libosmium's osmium::max_osm_string_length (256 characters of up to 4 bytes)
LONG_TAG_ERRORS = ("OSM tag key is too long", "OSM tag value is too long")
COORDINATE_PATTERN = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
MAX_COORDINATE = (2**31 - 1) / COORDINATE_PRECISION


class OsmReadError(ValueError):
    """An OSM file that cannot be read; the message names the file and the cause."""


class OsmParameterError(ValueError):
    """A parameter of ``read_extract`` outside its plausible range.

    ``parameter`` is the Python name, so that a command can name its own option as the person typed it
    (``--dwelling-area``, not ``dwelling_area_m2``); ``requirement`` is the rest of the message.
    """

    def __init__(self, parameter: str, requirement: str):
        super().__init__(f"{parameter} {requirement}")
        self.parameter = parameter
        self.requirement = requirement


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
    closed_along_edge: bool = False
    """True when the boundary was cut and closed along the extract's edge."""
    repaired: bool = False
    """True when a ring was not valid as mapped and was made valid (``OsmExtract.repaired`` says why)."""


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
    non_residential: str | None = None
    """Why it holds no households (``"building=office"``), else None."""
    implausible: tuple[str, ...] = ()
    """Tags set aside by the plausibility limits."""
    closed_along_edge: bool = False
    """True when the building was cut at the extract's edge and its inside part closed along that edge."""


@dataclass(frozen=True, slots=True)
class Road:
    """A street, one per OSM way (so the two directions are one record)."""

    osm_id: int
    name: str | None
    highway: str
    geometry: LineString | MultiLineString
    """A MultiLineString only when the way left and re-entered the extract."""
    cut: bool = False
    """True when nodes of the way are missing: the geometry is the inside part."""


@dataclass(frozen=True, slots=True)
class LinearBarrier:
    """A river, canal, stream or railway line: a boundary a grid may follow."""

    osm_id: int
    name: str | None
    key: str
    """``waterway`` or ``railway``."""
    value: str
    geometry: LineString | MultiLineString
    cut: bool = False


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


@dataclass(frozen=True, slots=True)
class OsmProblem:
    """A feature the reader could not build, and why."""

    osm_type: str
    osm_id: int
    feature: str
    """What it would have been: ``building``, ``admin_level 10 boundary``, ``road``, ..."""
    reason: str
    cut: bool = False
    """True when it failed because nodes or member ways are past the extract's edge."""

    def __str__(self) -> str:
        return f"{self.osm_type} {self.osm_id} ({self.feature}): {self.reason}"


@dataclass(frozen=True, slots=True)
class OsmExtract:
    """Everything read from one extract."""

    area: Polygon | None
    """The ``<bounds>`` of the file, else the bounding box of its nodes; None if it has no nodes."""
    area_source: Literal["bounds", "nodes", "none"]
    nodes: int
    ways: int
    relations: int
    boundaries: list[AdminBoundary] = field(default_factory=list)
    buildings: list[OsmBuilding] = field(default_factory=list)
    roads: list[Road] = field(default_factory=list)
    barriers: list[LinearBarrier] = field(default_factory=list)
    health_pois: list[HealthPoi] = field(default_factory=list)
    problems: list[OsmProblem] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    """Elements that appear more than once in the file (``way 12``), their last copy used."""
    repaired: list[str] = field(default_factory=list)
    """Features built from rings that were not valid as mapped (a bow-tie), each with why."""
    not_buildings: list[str] = field(default_factory=list)
    """Elements tagged like buildings that map none (``way 5: building:part=yes: ...``), each with why."""


def read_extract(
    path: OsmPath,
    *,
    admin_levels: Iterable[int] = (),
    dwelling_area_m2: float = 90.0,
    default_levels: int = 1,
    highway_types: Iterable[str] = DEFAULT_ROAD_TYPES,
    close_cut_boundaries: bool = False,
    close_cut_buildings: bool = False,
) -> OsmExtract:
    """Read boundaries, buildings, roads, waterways, railways and health facilities in one pass.

    Parameters
    ----------
    path
        An ``.osm``, ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf`` file.
    admin_levels
        OSM ``admin_level`` values of the boundaries to read (in China 6 is
        usually the district, 8 the street, 10 the community; check the data).
    dwelling_area_m2
        Gross floor area of one dwelling in square metres, for the estimate.
    default_levels
        Storeys to assume when ``building:levels`` is missing or implausible.
    highway_types
        ``highway`` values read as roads; see ``DEFAULT_ROAD_TYPES``.
    close_cut_boundaries
        Close a boundary cut at the extract's edge along that edge instead
        of leaving it out.
    close_cut_buildings
        Close a building cut at the extract's edge along that edge (its
        inside part) instead of leaving it out.

    Returns
    -------
    OsmExtract
        Footprint areas are in square metres, measured in a transverse
        Mercator centred on the extract (``spatial.projection``).

    Raises
    ------
    OsmReadError
        If the file cannot be read.
    OsmParameterError
        If ``dwelling_area_m2`` is below ``MIN_PLAUSIBLE_FLAT_AREA_M2`` (or not
        finite) or ``default_levels`` is not from 1 to ``MAX_PLAUSIBLE_LEVELS``.
    """
    # The plausibility limits of the tags bound the parameters too (1e-320 m² a dwelling made infinite estimates).
    if not MIN_PLAUSIBLE_FLAT_AREA_M2 <= dwelling_area_m2 < math.inf:
        raise OsmParameterError("dwelling_area_m2", f"must be at least {MIN_PLAUSIBLE_FLAT_AREA_M2:g} m² "
                                f"(a plausible flat), got {dwelling_area_m2!r}")
    if not 1 <= default_levels <= MAX_PLAUSIBLE_LEVELS:
        raise OsmParameterError("default_levels", f"must be from 1 to {MAX_PLAUSIBLE_LEVELS}, got {default_levels!r}")
    try:
        require_readable_file(path)
    except UnreadableFileError as error:
        raise OsmReadError(f"cannot read OSM file {error}") from None
    reader = _OnePass(
        {int(level) for level in admin_levels}, frozenset(highway_types), close_cut_boundaries,
        close_cut_buildings,
    )
    try:
        reader.run(Path(path))
    # libosmium raises RuntimeError for a broken file, InvalidLocationError for a bad coordinate.
    except (RuntimeError, OSError, osmium.InvalidLocationError) as error:
        raise OsmReadError(f"cannot read OSM file {path}: {_read_error_text(path, error)}") from error
    except ValueError as error:  # libosmium's refusal of a tag too long for it; any other is a fault of ours
        if str(error) not in LONG_TAG_ERRORS:
            raise
        raise OsmReadError(f"cannot read OSM file {path}: {_long_tag_text(path, str(error))}") from error
    return reader.result(dwelling_area_m2, default_levels)


class _OnePass:
    """The state of one pass: kept features, way node ids, and features built at the end."""

    def __init__(self, admin_levels: set[int], highway_types: frozenset[str], close_cut: bool,
                 close_cut_buildings: bool = False):
        self.admin_levels = admin_levels
        self.highway_types = highway_types
        self.close_cut = close_cut
        self.close_cut_buildings = close_cut_buildings
        self.closed_buildings: set[tuple[str, int]] = set()
        self.counts = {"n": 0, "w": 0, "r": 0}
        self.bbox = [180.0, 90.0, -180.0, -90.0]
        self.header_area: Polygon | None = None
        self.way_refs: dict[int, array] = {}
        # (osm_type, osm_id, tags, geometry) of buildings and health facilities built so far;
        # relations and admin boundaries wait in areas_to_build until every way has been seen.
        self.building_tags: list[tuple[str, int, dict[str, str], BaseGeometry]] = []
        self.areas_to_build: list[tuple[str, int, dict[str, str], list]] = []
        self.roads: list[Road] = []
        self.barriers: list[LinearBarrier] = []
        self.health: list[tuple[str, int, dict[str, str], BaseGeometry]] = []
        self.problems: list[OsmProblem] = []
        self.locations = None
        # Nodes with negative ids (JOSM's objects not yet uploaded): libosmium's location index takes only
        # ids >= 0, so their ways got no locations and a relation's lookup of one was a TypeError.
        self.negative_locations: dict[int, tuple[float, float]] = {}
        # Ids seen of the elements that may be features (ways are the keys of way_refs):
        # a second copy of one is named, and only its last copy is kept.
        self.feature_nodes: set[int] = set()
        self.relation_ids: set[int] = set()
        self.duplicates: dict[tuple[str, int], None] = {}
        self.not_buildings: dict[tuple[str, int], str] = {}
        self.repaired: dict[tuple[str, int], str] = {}

    def run(self, path: Path) -> None:
        processor = osmium.FileProcessor(str(path)).with_locations()
        header_box = processor.header.box()
        if header_box.valid():
            corner_sw, corner_ne = header_box.bottom_left, header_box.top_right
            self.header_area = box(corner_sw.lon, corner_sw.lat, corner_ne.lon, corner_ne.lat)
        for element in processor:
            kind = element.type_str()
            self.counts[kind] += 1
            if kind == "n":
                self._node(element)
            elif kind == "w":
                self._way(element)
            else:
                self._relation(element)
        self.locations = processor.node_location_storage

    def _node(self, node) -> None:
        if not node.location.valid():
            raise osmium.InvalidLocationError(_invalid_location_text(node))
        lng, lat = node.location.lon, node.location.lat
        if node.id < 0:
            self.negative_locations[node.id] = (lng, lat)
        if self.header_area is None:  # the area is then the bounding box of the nodes
            bbox = self.bbox
            bbox[0] = min(bbox[0], lng)
            bbox[1] = min(bbox[1], lat)
            bbox[2] = max(bbox[2], lng)
            bbox[3] = max(bbox[3], lat)
        if not node.tags:
            return
        tags = {tag.k: tag.v for tag in node.tags}
        point = Point(lng, lat)
        if maps_building(tags) or _is_health(tags):
            self._seen("node", node.id, self.feature_nodes)
        self._not_a_building("node", node.id, tags)
        if maps_building(tags):
            self.building_tags.append(("node", node.id, tags, point))
        if _is_health(tags):
            self.health.append(("node", node.id, tags, point))

    def _not_a_building(self, osm_type: str, osm_id: int, tags: dict[str, str]) -> None:
        reason = not_a_building_reason(tags)
        if reason is not None:  # keyed: the last copy of an element in the file counts
            self.not_buildings[osm_type, osm_id] = f"{osm_type} {osm_id}: {reason}"

    def _way(self, way) -> None:
        refs = array("q", (node.ref for node in way.nodes))
        if way.id in self.way_refs:
            self.duplicates["way", way.id] = None
        self.way_refs[way.id] = refs
        if not way.tags:
            return
        tags = {tag.k: tag.v for tag in way.tags}
        wanted_admin = _is_admin(tags, self.admin_levels)
        is_building = maps_building(tags)
        self._not_a_building("way", way.id, tags)
        line_key = self._line_key(tags)
        health = _is_health(tags)
        if not (wanted_admin or is_building or line_key or health):
            return
        coords = [
            (node.lon, node.lat) if node.location.valid() else self.negative_locations.get(node.ref)
            for node in way.nodes
        ]
        runs = _runs(coords)
        missing = sum(1 for coord in coords if coord is None)
        closed = len(refs) >= 4 and refs[0] == refs[-1]
        if wanted_admin:
            self.areas_to_build.append(("way", way.id, tags, [("outer", way.id)]))
        if is_building and missing and closed and self.close_cut_buildings and not wanted_admin:
            # Closed along the extract's edge at the end, when the area is known (the nodes' bbox may be it).
            self.areas_to_build.append(("way", way.id, tags, [("outer", way.id)]))
        elif is_building or (health and closed):
            polygon = self._way_polygon(way.id, tags, coords, refs, missing)
            if polygon is not None and is_building:
                self.building_tags.append(("way", way.id, tags, polygon))
            if polygon is not None and health:
                self.health.append(("way", way.id, tags, polygon))
        elif health:
            if runs:
                self.health.append(("way", way.id, tags, runs[0]))
            else:
                self._problem("way", way.id, "health facility", _missing_text(missing, len(coords)))
        if line_key:
            self._line(way.id, tags, line_key, runs, missing, len(coords))

    def _way_polygon(self, way_id, tags, coords, refs, missing) -> Polygon | MultiPolygon | None:
        is_building = maps_building(tags)
        feature = "building" if is_building else "health facility"
        if missing:
            self._problem("way", way_id, feature, _missing_text(missing, len(coords)) + "; ring cannot be built",
                          cut=True)
            return None
        not_an_outline = _outline_problem(refs, coords)
        if not_an_outline:
            self._problem("way", way_id, feature, not_an_outline)
            return None
        try:
            polygons, repairs = assemble_rings([LineString(coords)], [])
        except RingError as error:
            self._problem("way", way_id, feature, str(error))
            return None
        if len(polygons.geoms) == 1:
            self._repaired("way", way_id, feature, repairs)
            return polygons.geoms[0]
        if is_building:
            # A ring crossing itself, made valid, falls into parts. Households are estimated from all of them
            # (the area the data maps), and the stored footprint is the largest (the Building holds one
            # polygon, gridmgmt.areas.osm_import). Not their convex hull: real crossings are small digitising
            # slips (way 275490781 of the test extract planet_10.068,48.135_10.071,48.137: parts of 21 and 1, hull 35, in
            # 1e-10 deg²), where a hull invents area beside the building and can block a cut along a road
            # (the extract's grids followed roads no better with its roads than without). A square mapped
            # with two corners swapped is undercounted by half; the report names the building to fix.
            repairs.append(f"{len(polygons.geoms)} parts: households from all of them, the largest stored as "
                           "its footprint (fix the outline in OSM)")
        self._repaired("way", way_id, feature, repairs)
        return polygons

    def _line_key(self, tags: dict[str, str]) -> str | None:
        if tags.get("tunnel", "no") != "no" or tags.get("culvert", "no") != "no":
            return None
        if tags.get("area") == "yes":
            return None
        if tags.get("highway") in self.highway_types:
            return "highway"
        if tags.get("waterway") in WATERWAY_TYPES:
            return "waterway"
        if tags.get("railway") in RAILWAY_TYPES:
            return "railway"
        return None

    def _line(self, way_id, tags, key, runs, missing, total) -> None:
        feature = "road" if key == "highway" else key
        if not runs:
            self._problem("way", way_id, feature, _missing_text(missing, total) + "; no line of two distinct "
                          "nodes left", cut=missing > 0)
            return
        geometry = runs[0] if len(runs) == 1 else MultiLineString(runs)
        if key == "highway":
            self.roads.append(Road(way_id, tags.get("name"), tags[key], geometry, cut=missing > 0))
        else:
            self.barriers.append(
                LinearBarrier(way_id, tags.get("name"), key, tags[key], geometry, cut=missing > 0)
            )

    def _relation(self, relation) -> None:
        self._seen("relation", relation.id, self.relation_ids)
        if not relation.tags:
            return
        tags = {tag.k: tag.v for tag in relation.tags}
        kind = tags.get("type")
        if kind == "multipolygon":
            self._not_a_building("relation", relation.id, tags)
        wanted_admin = kind == "boundary" and _is_admin(tags, self.admin_levels)
        wanted_admin = wanted_admin or (kind == "multipolygon" and _is_admin(tags, self.admin_levels))
        if kind in ("boundary", "multipolygon") and self._unreadable_level(tags):
            self._problem("relation", relation.id, "administrative boundary",
                          f"admin_level {tags['admin_level']!r} is not one level (a whole number such as 8); "
                          "left out")
            return
        is_area = kind == "multipolygon" and (maps_building(tags) or _is_health(tags))
        if not (wanted_admin or is_area):
            return
        # Ways by role, and nodes marked "node:<role>" (a label may tell a cut boundary's inside);
        # relation members (subareas) play no part in the geometry.
        members = [
            (member.role, member.ref) if member.type == "w" else (f"node:{member.role}", member.ref)
            for member in relation.members
            if member.type in ("w", "n")
        ]
        self.areas_to_build.append(("relation", relation.id, tags, members))

    def _unreadable_level(self, tags: dict[str, str]) -> bool:
        """An administrative boundary whose admin_level is no one level, when levels are read.

        ``"8;9"`` (two levels), ``"8.0"`` or ``"eight"`` would otherwise be left out without a word, and
        the areas below it refused for want of a parent.
        """
        return (bool(self.admin_levels) and tags.get("boundary") == "administrative"
                and "admin_level" in tags and _admin_level(tags) is None)

    def _repaired(self, osm_type: str, osm_id: int, feature: str, repairs: list[str]) -> None:
        if repairs:
            self.repaired[osm_type, osm_id] = f"{osm_type} {osm_id} ({feature}): {'; '.join(repairs)}"

    def _seen(self, osm_type: str, osm_id: int, seen: set[int]) -> None:
        if osm_id in seen:
            self.duplicates[osm_type, osm_id] = None
        seen.add(osm_id)

    def _last_copies(self) -> None:
        """Keep only the last copy of each duplicated element's features and problems."""
        if not self.duplicates:
            return
        self.building_tags = _last_of_each(self.building_tags, lambda item: item[:2])
        self.health = _last_of_each(self.health, lambda item: item[:2])
        self.areas_to_build = _last_of_each(self.areas_to_build, lambda item: item[:2])
        self.roads = _last_of_each(self.roads, lambda road: road.osm_id)
        self.barriers = _last_of_each(self.barriers, lambda barrier: barrier.osm_id)
        self.problems = _last_of_each(self.problems, lambda p: (p.osm_type, p.osm_id, p.feature))

    def _problem(self, osm_type: str, osm_id: int, feature: str, reason: str, cut: bool = False) -> None:
        self.problems.append(OsmProblem(osm_type, osm_id, feature, reason, cut))

    def _area(self) -> tuple[Polygon | None, str]:
        if self.header_area is not None:
            return self.header_area, "bounds"
        if self.counts["n"] == 0:
            return None, "none"
        min_lng, min_lat, max_lng, max_lat = self.bbox
        return box(min_lng, min_lat, max_lng, max_lat), "nodes"

    def _member_lines(self, members) -> tuple[list, list, list[Point], list[str]]:
        """Outer lines, inner lines, inside points and what is missing, from the members."""
        outer, inner, inside, missing = [], [], [], []
        for role, ref in members:
            if role.startswith("node:"):
                if role[5:] in INSIDE_NODE_ROLES:
                    location = self._location(ref)
                    if location is not None:
                        inside.append(Point(location))
                continue
            refs = self.way_refs.get(ref)
            if refs is None:
                missing.append(f"member way {ref} is not in the extract")
                continue
            coords = [self._location(node_ref) for node_ref in refs]
            absent = [node_ref for node_ref, coord in zip(refs, coords, strict=True) if coord is None]
            if absent:
                missing.append(f"way {ref} lacks node {', '.join(map(str, absent[:3]))}"
                               + (f" and {len(absent) - 3} more" if len(absent) > 3 else ""))
            ring = len(refs) >= 4 and refs[0] == refs[-1]
            (inner if role == "inner" else outer).extend(_ring_runs(coords) if ring else _runs(coords))
        return outer, inner, inside, missing

    def _location(self, node_ref: int) -> tuple[float, float] | None:
        if node_ref < 0:
            return self.negative_locations.get(node_ref)
        try:
            location = self.locations.get(node_ref)
        except KeyError:
            return None
        return (location.lon, location.lat)

    def _build_areas(self, area: Polygon | None) -> list[AdminBoundary]:
        boundaries = []
        for osm_type, osm_id, tags, members in self.areas_to_build:
            is_admin = _is_admin(tags, self.admin_levels)
            feature = f"admin_level {_admin_level(tags)} boundary" if is_admin else (
                "building" if maps_building(tags) else "health facility")
            is_building = not is_admin and maps_building(tags)
            outer, inner, inside, missing = self._member_lines(members)
            closed_along_edge = False
            try:
                if not missing:
                    geometry, repairs = assemble_rings(outer, inner)
                    self._repaired(osm_type, osm_id, feature, repairs)
                elif is_admin and self.close_cut and area is not None:
                    geometry = close_along_edge(outer, area, inside)
                    closed_along_edge = True
                elif is_building and self.close_cut_buildings and area is not None:
                    geometry = close_cut_outline_along_edge(outer, area)
                    self.closed_buildings.add((osm_type, osm_id))
                else:
                    hint = "; --close-cut-boundaries closes it along the extract's edge" if is_admin else ""
                    raise RingError(f"cut at the extract's edge ({'; '.join(missing)}){hint}")
            except RingError as error:
                cause = f" ({'; '.join(missing)})" if missing and "cut at" not in str(error) else ""
                self._problem(osm_type, osm_id, feature, f"{error}{cause}; left out", cut=bool(missing))
                continue
            if is_admin:
                codes = {key: value for key, value in tags.items() if _is_code_key(key)}
                boundaries.append(AdminBoundary(osm_type, osm_id, tags.get("name"),
                                                _admin_level(tags), codes, geometry, closed_along_edge,
                                                repaired=(osm_type, osm_id) in self.repaired))
                continue
            if maps_building(tags):
                polygon = geometry if len(geometry.geoms) > 1 else geometry.geoms[0]
                self.building_tags.append((osm_type, osm_id, tags, polygon))
            if _is_health(tags):
                self.health.append((osm_type, osm_id, tags, geometry))
        return boundaries

    def result(self, dwelling_area_m2: float, default_levels: int) -> OsmExtract:
        area, area_source = self._area()
        self._last_copies()
        boundaries = self._build_areas(area)
        # Areas built just now may repeat a way's building (a cut copy and a whole one).
        self.building_tags = _last_of_each(self.building_tags, lambda item: item[:2])
        return OsmExtract(
            area=area, area_source=area_source, nodes=self.counts["n"], ways=self.counts["w"],
            relations=self.counts["r"], boundaries=boundaries,
            buildings=_buildings(self.building_tags, area, dwelling_area_m2, default_levels,
                                 self.closed_buildings),
            roads=self.roads, barriers=self.barriers,
            health_pois=[_health_poi(*item) for item in self.health], problems=self.problems,
            duplicates=[f"{osm_type} {osm_id}" for osm_type, osm_id in self.duplicates],
            repaired=list(self.repaired.values()), not_buildings=list(self.not_buildings.values()))


def _last_of_each(items: list, key) -> list:
    """``items`` with only the last of those sharing a key, in the order of the last ones."""
    last = {}
    for item in items:
        last.pop(key(item), None)
        last[key(item)] = item
    return list(last.values())


def _buildings(items, area, dwelling_area_m2: float, default_levels: int,
               closed: set[tuple[str, int]]) -> list[OsmBuilding]:
    if not items:
        return []
    geometries = [geometry for _, _, _, geometry in items]
    to_metric, _ = local_metric(area if area is not None else shapely.GeometryCollection(geometries))
    buildings = []
    for (osm_type, osm_id, tags, geometry), metric in zip(
        items, map(to_metric, geometries), strict=True
    ):
        area_m2 = float(metric.area)
        assessed = building_households(
            tags, area_m2, dwelling_area_m2=dwelling_area_m2, default_levels=default_levels
        )
        buildings.append(OsmBuilding(
            osm_type, osm_id, tags["building"], geometry, area_m2, assessed.households,
            assessed.source, assessed.levels, _address(tags), assessed.non_residential,
            assessed.implausible, (osm_type, osm_id) in closed))
    return buildings


def _health_poi(osm_type: str, osm_id: int, tags: dict[str, str], geometry) -> HealthPoi:
    amenity = tags.get("amenity")
    kind = amenity if amenity in HEALTH_AMENITIES else tags["healthcare"]
    point = geometry if isinstance(geometry, Point) else geometry.representative_point()
    return HealthPoi(osm_type, osm_id, tags.get("name"), kind, point)


def _runs(coords: list[tuple[float, float] | None]) -> list[LineString]:
    """The lines through consecutive present nodes; a run of one node is no line.

    A node repeated in a row (or two nodes at one place) is one vertex: a way
    whose nodes all lie at one place made a zero-length line, which PostGIS
    stores but calls invalid ("Too few points").
    """
    runs, current = [], []
    for coord in [*coords, None]:
        if coord is not None:
            if not current or coord != current[-1]:
                current.append(coord)
            continue
        if len(current) >= 2:
            runs.append(LineString(current))
        current = []
    return runs


def _ring_runs(coords: list[tuple[float, float] | None]) -> list[LineString]:
    """``_runs`` of a closed way (last node = first): a run through the closing node stays one line."""
    ring = coords[:-1]
    gaps = [index for index, coord in enumerate(ring) if coord is None]
    if not gaps:
        return _runs(coords)
    start = gaps[-1] + 1
    return _runs(ring[start:] + ring[:start])


def _invalid_location_text(node) -> str:
    """Why a node's location is unusable, naming it (libosmium's own message names neither node nor value)."""
    x, y = node.location.x, node.location.y
    if x == UNDEFINED_COORDINATE or y == UNDEFINED_COORDINATE:
        return f"node {node.id} has no lat/lon (a deleted node, as in a history or change file?)"
    return (f"node {node.id} lies outside the globe: lat {y / COORDINATE_PRECISION:.7f}, "
            f"lon {x / COORDINATE_PRECISION:.7f} (lat must be within ±90, lon within ±180)")


def _read_error_text(path: OsmPath, error: Exception) -> str:
    """libosmium's reason a file cannot be read, in words that say what is wrong with the file."""
    text = str(error)
    bzip2 = re.fullmatch(r"bzip2 error: .*?(-\d+)", text)
    if bzip2 and bzip2.group(1) in BZIP2_ERRORS:
        return f"{BZIP2_ERRORS[bzip2.group(1)]} (bzip2 error {bzip2.group(1)})"
    if isinstance(error, osmium.InvalidLocationError) and text.startswith(COORDINATE_FORMAT_ERRORS):
        return _bad_coordinate_text(path, text)
    return text


def _bad_coordinate_text(path: OsmPath, libosmium_text: str) -> str:
    """The node whose lat or lon is not a number, found by reading the XML again (only on this failure).

    libosmium's XML parser refuses the attribute before the node reaches the reader, and its message
    ("wrong format for coordinate: 'abc'") quotes only part of the value and never the node.
    """
    def bad_coordinate(element, owner: str) -> str | None:
        for key in ("lat", "lon"):
            value = element.get(key, "")
            if element.tag == "node" and not _is_coordinate(value):
                return (f"{owner} has {key}=\"{value}\", which is not a number of degrees such as 116.0410 "
                        f"(libosmium: {libosmium_text})")
        return None

    return _found_in_xml(path, bad_coordinate) or (
        f"a node has a coordinate that is not a number (libosmium: {libosmium_text}); which node is not "
        "known: libosmium's parser refuses the attribute before the node and its id reach the reader")


def _long_tag_text(path: OsmPath, libosmium_text: str) -> str:
    """The element with a tag key or value longer than libosmium takes, found by reading the XML again.

    libosmium refuses the whole file ("OSM tag value is too long") without naming the element.
    """
    def long_tag(element, owner: str) -> str | None:
        if element.tag != "tag":
            return None
        for part in ("k", "v"):
            size = len(element.get(part, "").encode())
            if size > MAX_TAG_BYTES:
                key = element.get("k", "")
                shown = key if len(key) <= 40 else key[:40] + "…"
                what = "a tag key" if part == "k" else f"a tag {shown} whose value is"
                return (f"{owner} has {what} {size:,} bytes long; libosmium reads at most {MAX_TAG_BYTES:,} "
                        "(OSM allows 255 characters): shorten it")
        return None

    return _found_in_xml(path, long_tag) or (
        f"a tag key or value is longer than the {MAX_TAG_BYTES:,} bytes libosmium reads ({libosmium_text}); "
        "which element is not known (a PBF file is not read again)")


def _found_in_xml(path: OsmPath, problem) -> str | None:
    """The first text ``problem(element, owner)`` returns for an element of the XML, read again; else None.

    ``owner`` names the node, way or relation an element is in (``way 12``). Memory is bounded by one
    element, not the extract; an unreadable or PBF file gives None.
    """
    name = str(path)
    opener = bz2.open if name.endswith(".bz2") else gzip.open if name.endswith(".gz") else open
    try:
        with opener(path, "rb") as stream:
            root, owner = None, "an element"
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                root = element if root is None else root
                if event == "end":
                    root.clear()  # drops what was read: memory bounded by one element, not the extract
                    continue
                if element.tag in ("node", "way", "relation"):
                    owner = f"{element.tag} {element.get('id')}"
                found = problem(element, owner)
                if found:
                    return found
    except (OSError, EOFError, ElementTree.ParseError):
        pass
    return None


def _is_coordinate(value: str) -> bool:
    """A lat or lon libosmium reads: a decimal number (exponent allowed) within its 32-bit range."""
    return bool(COORDINATE_PATTERN.fullmatch(value)) and abs(float(value)) <= MAX_COORDINATE


def _outline_problem(refs, coords: list[tuple[float, float]]) -> str | None:
    """Why a complete way is not the outline of an area (a building, a health facility), or None when it is."""
    places = len(set(coords))
    if places < 3:
        nodes = f"{len(refs)} node{'s' if len(refs) != 1 else ''}"
        return (f"the way has {nodes} at {places} distinct place{'s' if places != 1 else ''}: an outline needs "
                "at least 3, and the first node again at the end")
    if refs[0] != refs[-1]:
        return f"the way is not closed: it ends at node {refs[-1]}, not at its first node {refs[0]}"
    return None


def _missing_text(missing: int, total: int) -> str:
    if not missing:
        return f"the way has {total} node{'s' if total != 1 else ''}"
    return f"{missing} of its {total} nodes are not in the extract (cut at its edge)"


def _is_admin(tags: dict[str, str], levels: set[int]) -> bool:
    return tags.get("boundary") == "administrative" and _admin_level(tags) in levels


def _admin_level(tags: dict[str, str]) -> int | None:
    """The ``admin_level`` as one level: ``" 8 "`` and ``"08"`` are 8 (as mapped in real data);
    ``"8;9"``, ``"8.0"``, ``"٨"`` or a missing tag are None."""
    return whole_number_tag(tags.get("admin_level", ""))


def _is_health(tags: dict[str, str]) -> bool:
    return tags.get("amenity") in HEALTH_AMENITIES or "healthcare" in tags


def _address(tags: dict[str, str]) -> str | None:
    street = tags.get("addr:street") or tags.get("addr:place")
    line = " ".join(part for part in (tags.get("addr:housenumber"), street) if part)
    parts = [part for part in (line, tags.get("addr:city")) if part]
    return ", ".join(parts) or None


def _is_code_key(key: str) -> bool:
    return key == "ref" or key.startswith("ref:") or "code" in key


# --- one kind of feature at a time (each call is one pass over the file) ---------------


def read_admin_boundaries(path: OsmPath, admin_levels: Iterable[int]) -> list[AdminBoundary]:
    """The administrative areas of the given levels; see ``read_extract``."""
    return read_extract(path, admin_levels=admin_levels).boundaries


def read_buildings(
    path: OsmPath, *, dwelling_area_m2: float = 90.0, default_levels: int = 1
) -> list[OsmBuilding]:
    """Buildings with their households; see ``read_extract``."""
    return read_extract(path, dwelling_area_m2=dwelling_area_m2, default_levels=default_levels).buildings


def read_roads(path: OsmPath, *, highway_types: Iterable[str] = DEFAULT_ROAD_TYPES) -> list[Road]:
    """Streets a grid may be cut along, left out in a tunnel or mapped as an area."""
    return read_extract(path, highway_types=highway_types).roads


def read_waterways_and_railways(path: OsmPath) -> list[LinearBarrier]:
    """Rivers, canals, streams and railway lines, left out in a tunnel or culvert."""
    return read_extract(path).barriers


def read_health_pois(path: OsmPath) -> list[HealthPoi]:
    """Hospitals, clinics, doctors, pharmacies and any ``healthcare=*`` feature, as points."""
    return read_extract(path).health_pois


def osm_extract_area(path: OsmPath) -> Polygon:
    """The area an extract covers: its ``<bounds>``, else the bounding box of its nodes (WGS84).

    Raises
    ------
    OsmReadError
        If the file cannot be read or has neither bounds nor nodes.
    """
    area = read_extract(path).area
    if area is None:
        raise OsmReadError(f"cannot read OSM file {path}: no <bounds> and no nodes")
    return area

