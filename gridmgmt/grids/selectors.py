"""Reads of grids: map layers, invariant checks and the workload report."""

from dataclasses import dataclass, field

import shapely
from django.db import connection

from gridmgmt.geojson_sql import feature_collection
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.inputs import CommunityInput, community_inputs
from spatial.grid_quality import check_partition, household_stats, polsby_popper, road_alignment_share
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
    road_alignment: dict[str, float] = field(default_factory=dict)
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


def _check_community(item: CommunityInput, grids: list[Grid], target: int, report: GridQualityReport,
                     figures: bool = True) -> None:
    to_metric, _ = equirectangular(item.boundary_wgs84)  # the plane the grids were cut in
    boundary_m = to_metric(item.boundary_wgs84)
    buildings = [BuildingInput(id=i, geometry=to_metric(g), households=h)
                 for i, g, h in zip(item.building_ids, item.building_geoms, item.households)]
    polygons_m = [to_metric(shapely.from_wkb(bytes(g.polygon.wkb))) for g in grids]
    # Buildings belong to the grid that covers them now; the checker then finds
    # a building covered by two grids, by none, or a grid above the cap.
    owners = {}
    tree = shapely.STRtree(polygons_m)
    for building in buildings:
        hits = tree.query(building.geometry, predicate="intersects")
        if len(hits) > 1 and building.geometry.geom_type != "Point":
            # A footprint touching a neighbour belongs where most of it lies.
            hits = [max(hits, key=lambda i: polygons_m[i].intersection(building.geometry).area)]
        owners.setdefault(int(min(hits)) if len(hits) else -1, []).append(building.id)
    households = {b.id: b.households for b in buildings}
    pieces = [GridPiece(polygon=p, building_ids=tuple(owners.get(index, ())),
                        households=sum(households[i] for i in owners.get(index, ())),
                        sequence=g.sequence) for index, (p, g) in enumerate(zip(polygons_m, grids))]
    problems = check_partition(boundary_m, buildings, pieces, target)
    if owners.get(-1):
        problems.append(f"buildings {owners[-1][:5]} lie in no grid")
    stored = [f"grid {g.code} stores {g.households} households, its buildings hold {p.households}"
              for g, p in zip(grids, pieces) if g.households != p.households]
    problems.extend(stored)
    if problems:
        report.violations[item.community.code] = problems
    if not figures:
        return
    report.polsby_popper.extend(polsby_popper(p) for p in polygons_m)
    if item.roads and len(polygons_m) > 1:
        report.road_alignment[item.community.code] = road_alignment_share(
            polygons_m, [to_metric(r) for r in item.roads])


def grid_quality_report(*, target_households: int, generation: GridGeneration | None = None,
                        figures: bool = True) -> GridQualityReport:
    """Check every invariant of the active grids, or of one generation's grids (active or not).

    A generation is checked against its own cap (``target_households`` of
    the generation); the active grids against ``target_households``.
    ``figures=False`` skips compactness and road alignment (the check alone).
    """
    report = GridQualityReport()
    if generation is None:
        grids = Grid.objects.active()
    else:
        grids = generation.grids.all()
        target_households = generation.target_households
    grids = list(grids.select_related("community").order_by("community__code", "sequence"))
    by_community: dict[int, list[Grid]] = {}
    for grid in grids:
        by_community.setdefault(grid.community_id, []).append(grid)
    communities = [group[0].community for group in by_community.values()]
    for item in community_inputs(communities):
        members = by_community[item.community.id]
        _check_community(item, members, target_households, report, figures)
    report.communities = len(communities)
    report.grids = len(grids)
    report.households = [g.households for g in grids]
    return report


def generation_violations(*, generation: GridGeneration) -> dict[str, list[str]]:
    """Broken invariants of a generation's grids, by community code (empty when all hold)."""
    return grid_quality_report(target_households=generation.target_households, generation=generation,
                               figures=False).violations


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
