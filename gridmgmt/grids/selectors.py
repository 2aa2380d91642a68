"""Reads of grids: map layers, invariant checks and the workload report."""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import shapely
from django.db import connection

from gridmgmt.areas.models import Community
from gridmgmt.geojson_sql import feature_collection
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.inputs import CommunityInput, community_inputs
from spatial.grid_quality import (building_owners, check_partition, household_stats, polsby_popper,
                                  road_alignment_share)
from spatial.partition import BuildingInput, GridPiece
from spatial.equirectangular import equirectangular


def grid_layer(*, bbox=None, precision: int, community_code: str | None = None,
               generation: int | None = None) -> str:
    where = [("grids_grid.generation_id = %s", [generation])] if generation else [("grids_grid.active", [])]
    if community_code:
        where.append(("c.code = %s", [community_code]))
    return feature_collection(
        table="grids_grid", geometry="grids_grid.polygon",
        properties={"code": "grids_grid.code", "community_code": "c.code", "community_name": "c.name",
                    "households": "grids_grid.households", "residents": "grids_grid.residents",
                    "area_m2": "round(grids_grid.area_m2)", "generation": "grids_grid.generation_id",
                    "active": "grids_grid.active"},
        joins="JOIN areas_community c ON c.id = grids_grid.community_id",
        where=where, bbox=bbox, precision=precision, order_by="grids_grid.code")


@dataclass
class GridQualityReport:
    """Invariants and quality figures of the active grids, per community and overall."""

    communities: int = 0
    grids: int = 0
    households: list[int] = field(default_factory=list)
    polsby_popper: list[float] = field(default_factory=list)
    road_alignment: dict[str, float] = field(default_factory=dict)  # near roads, waterways or railways
    violations: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        pp = household_stats(self.polsby_popper) if self.polsby_popper else {}
        return {
            "communities": self.communities, "grids": self.grids,
            "households": household_stats(self.households) if self.households else {},
            "polsby_popper": {"min": pp.get("min"), "median": pp.get("median")},
            "road_alignment": self.road_alignment,
            "violations": self.violations,
            "ok": not self.violations,
        }


@dataclass(frozen=True)
class StoredGrid:
    """A stored grid as generation and the checker read it: plain values, the polygon in shapely (WGS84)."""

    community_id: int
    code: str
    sequence: int
    households: int
    valid_from: datetime | None
    polygon: shapely.Polygon


def stored_grids(*, generation: GridGeneration | None = None,
                 community_ids: list[int] | None = None) -> dict[int, list[StoredGrid]]:
    """``{community id: grids in sequence order}`` of one generation (active or not), else the active grids.

    ``community_ids`` limits the grids to those communities. One query, the
    polygons decoded from WKB all at once (models would build a GEOS
    geometry per grid, only to be written out as WKB again for shapely).
    """
    where, params = ["g.active"], []
    if generation is not None:
        where, params = ["g.generation_id = %s"], [generation.pk]
    if community_ids is not None:
        where.append("g.community_id = ANY(%s)")
        params.append(list(community_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT g.community_id, g.code, g.sequence, g.households, g.valid_from, ST_AsBinary(g.polygon)
            FROM grids_grid g WHERE {" AND ".join(where)} ORDER BY g.community_id, g.sequence""", params)
        rows = cursor.fetchall()
    polygons = shapely.from_wkb([bytes(row[5]) for row in rows]) if rows else []
    grids: dict[int, list[StoredGrid]] = {}
    for (community_id, code, sequence, households, valid_from, _wkb), polygon in zip(rows, polygons):
        grids.setdefault(community_id, []).append(
            StoredGrid(community_id, code, sequence, households, valid_from, polygon))
    return grids


def _check_community(item: CommunityInput, grids: list[StoredGrid], target: int, report: GridQualityReport,
                     figures: bool = True) -> None:
    to_metric, _ = equirectangular(item.boundary_wgs84)  # the plane the grids were cut in
    boundary_m = to_metric(item.boundary_wgs84)
    geoms_m = to_metric(np.asarray(item.building_geoms, dtype=object))
    buildings = [BuildingInput(id=i, geometry=g, households=h)
                 for i, g, h in zip(item.building_ids, geoms_m, item.households)]
    polygons_m = to_metric(np.asarray([g.polygon for g in grids], dtype=object))
    # Buildings belong to the grid that covers them now; the checker then finds
    # a building covered by two grids, by none, or a grid above the cap.
    owners = building_owners(polygons_m, geoms_m)
    ids = np.asarray(item.building_ids)
    households = np.asarray(item.households)
    members = [np.flatnonzero(owners == index) for index in range(len(grids))]
    pieces = [GridPiece(polygon=p, building_ids=tuple(ids[m].tolist()), households=int(households[m].sum()),
                        sequence=g.sequence) for p, g, m in zip(polygons_m, grids, members)]
    problems = check_partition(boundary_m, buildings, pieces, target)
    if (owners < 0).any():
        problems.append(f"buildings {ids[owners < 0][:5].tolist()} lie in no grid")
    stored = [f"grid {g.code} stores {g.households} households, its buildings hold {p.households}"
              for g, p in zip(grids, pieces) if g.households != p.households]
    problems.extend(stored)
    if problems:
        report.violations[item.community.code] = problems
    if not figures:
        return
    report.polsby_popper.extend(polsby_popper(p) for p in polygons_m)
    if item.cut_lines and len(polygons_m) > 1:
        report.road_alignment[item.community.code] = road_alignment_share(
            polygons_m, [to_metric(line) for line in item.cut_lines])


def grid_quality_report(*, target_households: int, generation: GridGeneration | None = None,
                        figures: bool = True, inputs: list[CommunityInput] | None = None) -> GridQualityReport:
    """Check every invariant of the active grids, or of one generation's grids (active or not).

    A generation is checked against its own cap (``target_households`` of
    the generation); the active grids against ``target_households``.
    ``figures=False`` skips compactness and road alignment (the check alone).
    ``inputs``: the communities' inputs when the caller has just read them
    in the same transaction (generation); otherwise they are read here.
    """
    report = GridQualityReport()
    by_community = stored_grids(generation=generation)
    if generation is not None:
        target_households = generation.target_households
    known = {item.community.pk: item for item in inputs or []}
    unread = Community.objects.filter(pk__in=[pk for pk in by_community if pk not in known])
    known.update((item.community.pk, item) for item in community_inputs(list(unread)))
    inputs = sorted((known[pk] for pk in by_community), key=lambda item: item.community.code)
    for item in inputs:
        _check_community(item, by_community[item.community.pk], target_households, report, figures)
    report.communities = len(inputs)
    report.grids = sum(len(group) for group in by_community.values())
    report.households = [g.households for item in inputs for g in by_community[item.community.pk]]
    return report


def generation_violations(*, generation: GridGeneration,
                          inputs: list[CommunityInput] | None = None) -> dict[str, list[str]]:
    """Broken invariants of a generation's grids, by community code (empty when all hold).

    ``inputs`` as in :func:`grid_quality_report`.
    """
    return grid_quality_report(target_households=generation.target_households, generation=generation,
                               figures=False, inputs=inputs).violations


def grid_workload(*, target_households: int, merge_below: float = 0.5) -> list[dict]:
    """Active grids to split (households now above the target) or merge (far below it).

    Households are recounted from the buildings as they are now, so the
    report follows building changes made after the grids were generated. A
    grid is proposed for merging only with a neighbour of its community
    sharing an edge, when the two together stay within the target.
    """
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH current AS (
                SELECT g.id, g.code, g.community_id, g.polygon,
                       coalesce(sum(b.households), 0) AS households
                FROM grids_grid g
                LEFT JOIN areas_building b ON b.community_id = g.community_id AND ST_Covers(g.polygon, b.location)
                WHERE g.active GROUP BY g.id)
            SELECT a.code, a.households,
                   (SELECT n.code FROM current n
                    WHERE n.community_id = a.community_id AND n.id <> a.id
                      AND ST_Length(ST_CollectionExtract(ST_Intersection(a.polygon, n.polygon), 2)) > 0
                      AND a.households + n.households <= %(target)s
                    ORDER BY n.households, n.code LIMIT 1) AS merge_with
            FROM current a
            WHERE a.households > %(target)s OR a.households < %(target)s * %(below)s
            ORDER BY a.code""", {"target": target_households, "below": merge_below})
        rows = cursor.fetchall()
    return [{"code": code, "households": households,
             "action": "split" if households > target_households else "merge",
             "merge_with": merge_with} for code, households, merge_with in rows
            if households > target_households or merge_with]


def grid_codes_retired(codes: list[str]) -> dict:
    """``{code: datetime}`` for each of ``codes`` with no active grid: when its last grid was retired (UTC).

    A code bound to a worker but retired (e.g. an assignment older than
    ``gridmgmt.grids.succession``) shows up here instead of as an empty map.
    """
    active = set(Grid.objects.active().filter(code__in=codes).values_list("code", flat=True))
    return dict(Grid.objects.filter(code__in=set(codes) - active, valid_to__isnull=False)
                .order_by("code", "-valid_to").distinct("code").values_list("code", "valid_to"))
