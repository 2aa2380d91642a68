"""What grid generation and checking read of each community: boundary, buildings, cut lines."""

from dataclasses import dataclass, field

import shapely
from django.db import connection

from gridmgmt.areas.models import Community


@dataclass
class CommunityInput:
    """What the partitioner needs of one community, read in bulk."""

    community: Community
    boundary_wgs84: shapely.Geometry
    building_ids: list[int] = field(default_factory=list)
    building_geoms: list[shapely.Geometry] = field(default_factory=list)
    households: list[int] = field(default_factory=list)
    population: list[int] = field(default_factory=list)
    cut_lines: list[shapely.Geometry] = field(default_factory=list)
    """Roads, waterways and railways inside the community (WGS84 lines): where grid edges should run."""


def community_inputs(communities: list[Community]) -> list[CommunityInput]:
    """Boundaries, buildings and cut lines of the communities in three queries (WKB, decoded vectorised)."""
    inputs = {c.id: CommunityInput(community=c, boundary_wgs84=shapely.from_wkb(bytes(c.boundary.wkb)))
              for c in communities}
    ids = list(inputs)
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT community_id, id, ST_AsBinary(coalesce(footprint, location)), households, population
            FROM areas_building WHERE community_id = ANY(%s) ORDER BY community_id, id""", [ids])
        rows = cursor.fetchall()
        geoms = shapely.from_wkb([bytes(r[2]) for r in rows]) if rows else []
        for (community_id, building_id, _wkb, households, population), geom in zip(rows, geoms):
            item = inputs[community_id]
            item.building_ids.append(building_id)
            item.building_geoms.append(geom)
            item.households.append(households)
            item.population.append(population)
        # Roads, waterways and railways are the preferred cut lines; only the parts inside the community matter.
        cursor.execute("""
            SELECT c.id, ST_AsBinary(ST_Intersection(line.geometry, c.boundary))
            FROM areas_community c
            JOIN (SELECT 0 AS kind, osm_id, geometry FROM areas_road
                  UNION ALL SELECT 1, osm_id, geometry FROM areas_linearbarrier) AS line
              ON ST_Intersects(line.geometry, c.boundary)
            WHERE c.id = ANY(%s) ORDER BY c.id, line.kind, line.osm_id""", [ids])
        for community_id, wkb in cursor.fetchall():
            geom = shapely.from_wkb(bytes(wkb))
            inputs[community_id].cut_lines.extend(
                g for g in shapely.get_parts(geom) if g.geom_type == "LineString" and g.length > 0)
    return [inputs[c.id] for c in communities]
