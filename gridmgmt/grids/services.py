"""Writes of grids: generate a generation from buildings and roads, activate it.

Geometry is ``spatial.partition`` (pure); this service feeds it each
community in a local metric projection, numbers the grids, and stores them in
one transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import connection, transaction
from django.utils import timezone

from gridmgmt.areas.models import Community
from gridmgmt.grids.inputs import CommunityInput, community_inputs
from gridmgmt.grids.models import Grid, GridGeneration
from spatial.grid_codes import grid_code
from spatial.partition import BuildingInput, partition_community
from spatial.equirectangular import equirectangular


class GridGenerationError(ValueError):
    """A community cannot be divided as asked (e.g. more grids than the code allows)."""


@dataclass
class GenerationReport:
    generation: GridGeneration
    grids: int = 0
    communities: int = 0
    oversize_buildings: list[str] = field(default_factory=list)


def _community_grids(item: CommunityInput, generation: GridGeneration, report: GenerationReport) -> list[Grid]:
    community = item.community
    # An affine plane, not a projection: a cut vertex placed on the community's
    # edge must stay on that edge in WGS84, or grids would overlap the
    # neighbouring community by centimetre slivers (see spatial.equirectangular).
    to_metric, to_wgs84 = equirectangular(item.boundary_wgs84)
    boundary_m = to_metric(item.boundary_wgs84)
    # One vectorised transform per community, not one per geometry.
    metric_geoms = to_metric(np.asarray(item.building_geoms, dtype=object))
    buildings = [BuildingInput(id=i, geometry=g, households=h)
                 for i, g, h in zip(item.building_ids, metric_geoms, item.households)]
    result = partition_community(boundary_m, buildings, target_households=generation.target_households,
                                 cut_lines_m=list(to_metric(np.asarray(item.roads, dtype=object))))
    population = dict(zip(item.building_ids, item.population))
    grids = []
    polygons_wkt = shapely.to_wkt(to_wgs84(np.asarray(result.polygons, dtype=object)), rounding_precision=-1)
    for piece, polygon_wkt in zip(result.grids, polygons_wkt):
        try:
            code = grid_code(community.code, piece.sequence, generation.code_digits)
        except ValueError as exc:
            raise GridGenerationError(f"community {community.code} {community.name}: {exc}") from None
        grids.append(Grid(generation=generation, community=community, code=code, sequence=piece.sequence,
                          polygon=polygon_wkt, households=piece.households,
                          residents=sum(population[i] for i in piece.building_ids),
                          area_m2=0.0))
    report.oversize_buildings.extend(f"{community.code}: building {i}" for i in result.oversize_building_ids)
    return grids


@transaction.atomic
def grids_generate(
    *,
    communities: Iterable[Community],
    target_households: int,
    code_digits: int,
    activate: bool = False,
    note: str = "",
) -> GenerationReport:
    """Build a new grid generation for ``communities`` (inactive unless ``activate``).

    Each community is divided on its own, so regenerating one community
    never changes another's codes. Either every community succeeds or
    nothing is stored.
    """
    if target_households < 1:
        raise GridGenerationError(f"target households must be at least 1, got {target_households}")
    if code_digits not in (2, 3):
        raise GridGenerationError(f"grid code sequence digits must be 2 or 3, got {code_digits}")
    communities = list(communities)
    generation = GridGeneration.objects.create(target_households=target_households, code_digits=code_digits,
                                               note=note)
    report = GenerationReport(generation=generation, communities=len(communities))
    grids: list[Grid] = []
    for item in community_inputs(communities):
        grids.extend(_community_grids(item, generation, report))
    Grid.objects.bulk_create(grids, batch_size=1000)
    # Areas on the spheroid: the affine plane used for cutting is ~1e-4 off in scale.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE grids_grid SET area_m2 = ST_Area(polygon::geography) WHERE generation_id = %s",
                       [generation.pk])
    report.grids = len(grids)
    if activate:
        grid_generation_activate(generation=generation)
    return report


@transaction.atomic
def grid_generation_activate(*, generation: GridGeneration) -> int:
    """Switch the generation's communities over to its grids, atomically.

    The grids they replace stay stored (inactive) so events and cases made
    in them keep their grid. Returns the number of grids activated.
    """
    generation = GridGeneration.objects.select_for_update().get(pk=generation.pk)
    community_ids = generation.grids.values("community_id")
    # Deactivate first: at most one active grid per code is a database constraint.
    Grid.objects.filter(community_id__in=community_ids, active=True).exclude(generation=generation).update(
        active=False)
    count = generation.grids.update(active=True)
    generation.activated_at = timezone.now()
    generation.save(update_fields=["activated_at"])
    return count

