"""Small water bodies from an OSM extract: pure reading, no Django; WGS84 (EPSG:4326), (lng, lat).

Rivers, canals and streams come from the project's one OSM reader
(:func:`spatial.osm_reader.read_waterways_and_railways`); what it leaves out
and the river-chief system also covers is read here: ditches and drains
(``waterway=ditch|drain``) and standing water (``natural=water`` closed ways
and multipolygons: ponds, lakes, reservoirs, and rivers mapped as areas).
"""

from dataclasses import dataclass
from pathlib import Path

import osmium
import osmium.geom
import shapely
from shapely.geometry.base import BaseGeometry

from spatial.input_files import require_readable_file
from spatial.osm_reader import read_waterways_and_railways

EXTRA_WATERWAYS = frozenset({"ditch", "drain"})
# natural=water + water=<value> -> kind; unlisted values are "pond" (the small water body default).
WATER_AREA_KINDS = {"lake": "lake", "reservoir": "lake", "river": "river", "canal": "canal",
                    "pond": "pond", "basin": "pond", "ditch": "ditch", "drain": "drain", "stream": "stream"}


@dataclass(frozen=True)
class OsmWaterBody:
    code: str  # osm:way/123, osm:relation/45
    name: str
    kind: str  # a gridmgmt.water.models.WaterBodyKind value
    geometry: BaseGeometry  # (Multi)LineString or (Multi)Polygon, WGS84


class _Handler(osmium.SimpleHandler):
    def __init__(self):
        super().__init__()
        self.bodies: list[OsmWaterBody] = []
        self.wkb = osmium.geom.WKBFactory()

    def way(self, way):
        value = way.tags.get("waterway")
        if value in EXTRA_WATERWAYS and way.tags.get("tunnel") not in ("yes", "culvert"):
            try:
                line = shapely.from_wkb(self.wkb.create_linestring(way))
            except RuntimeError:  # nodes outside the extract
                return
            self.bodies.append(OsmWaterBody(f"osm:way/{way.id}", way.tags.get("name", ""), value, line))

    def area(self, area):
        if area.tags.get("natural") != "water":
            return
        try:
            polygon = shapely.from_wkb(self.wkb.create_multipolygon(area))
        except RuntimeError:  # an incomplete ring
            return
        kind = WATER_AREA_KINDS.get(area.tags.get("water", ""), "pond")
        osm_type = "way" if area.from_way() else "relation"
        self.bodies.append(OsmWaterBody(f"osm:{osm_type}/{area.orig_id()}", area.tags.get("name", ""), kind,
                                        polygon.geoms[0] if len(polygon.geoms) == 1 else polygon))


def read_water_bodies(path: str | Path) -> list[OsmWaterBody]:
    """Every waterway line and natural=water area of the extract at ``path``; OSError if it cannot be read."""
    path = require_readable_file(path)
    bodies = [OsmWaterBody(f"osm:way/{b.osm_id}", b.name or "", b.value, b.geometry)
              for b in read_waterways_and_railways(path) if b.key == "waterway"]
    handler = _Handler()
    handler.apply_file(str(path), locations=True)
    return bodies + handler.bodies
