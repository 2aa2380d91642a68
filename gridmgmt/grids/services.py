"""Writes of grids: generate a generation from buildings and roads, activate it.

Geometry is ``spatial.partition`` (pure); this service feeds it each
community in a local metric plane, gives grids codes (a surviving grid keeps
its own, see ``gridmgmt.grids.codes``), stores them in one transaction and
checks the stored generation with the one invariant checker
(``selectors.generation_violations``): a failing generation is never stored
and never activated.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone

from gridmgmt.areas.models import Community
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.grids.codes import GridCodeExhausted, grid_codes_next
from gridmgmt.grids.inputs import CommunityInput, community_inputs
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.partitioning import community_payload, partition_payload
from gridmgmt.grids.selectors import generation_violations
from gridmgmt.grids.succession import grid_succession_apply
from gridmgmt.grids.tasks import celery_workers, partition_many
from spatial.equirectangular import equirectangular
from spatial.grid_survival import grid_of_each, surviving


class GridGenerationError(ValueError):
    """A community cannot be divided as asked (e.g. more grids than the code allows)."""


@dataclass
class GenerationReport:
    generation: GridGeneration
    grids: int = 0
    communities: int = 0
    oversize_buildings: list[str] = field(default_factory=list)


def _community_grids(item: CommunityInput, outcome: dict, generation: GridGeneration, report: GenerationReport,
                     previous: list[Grid]) -> list[Grid]:
    community = item.community
    if "error" in outcome:
        raise GridGenerationError(f"community {community.code} {community.name}: {outcome['error']}")
    to_metric, _ = equirectangular(item.boundary_wgs84)
    metric_geoms = to_metric(np.asarray(item.building_geoms, dtype=object))
    pieces = [(to_metric(shapely.from_wkb(g["polygon"])), g["building_ids"]) for g in outcome["grids"]]
    codes = _codes(community, generation, pieces, previous, item.building_ids, metric_geoms, to_metric)
    population = dict(zip(item.building_ids, item.population))
    grids = [Grid(generation=generation, community=community, code=code, sequence=sequence,
                  polygon=GEOSGeometry(g["polygon"], srid=STORAGE_SRID),  # WKB as cut: every double kept
                  households=g["households"], residents=sum(population[i] for i in g["building_ids"]),
                  area_m2=0.0, valid_from=valid_from)
             for g, (sequence, code, valid_from) in zip(outcome["grids"], codes)]
    report.oversize_buildings.extend(f"{community.code}: building {i}" for i in outcome["oversize_building_ids"])
    return grids


def _codes(community, generation, pieces, previous: list[Grid], building_ids, metric_geoms, to_metric) -> list[tuple]:
    """(sequence, code, valid_from) per new grid: a surviving grid's own, else the next never-used codes.

    ``pieces`` are (polygon in metres, building ids) in the partition's
    west→east, north→south order, which new codes follow.
    """
    old_polygons = [to_metric(shapely.from_wkb(bytes(g.polygon.wkb))) for g in previous]
    # The old grids' buildings as they are now: a grid whose buildings changed did not survive.
    old_members = [set() for _ in previous]
    for building_id, grid_index in zip(building_ids, grid_of_each(old_polygons, metric_geoms)):
        if grid_index >= 0:
            old_members[grid_index].add(building_id)
    matches = surviving([(p, frozenset(m)) for p, m in zip(old_polygons, old_members)],
                        [(polygon, frozenset(ids)) for polygon, ids in pieces])
    try:
        fresh = iter(grid_codes_next(community=community, count=len(pieces) - len(matches),
                                     code_digits=generation.code_digits))
    except GridCodeExhausted as exc:
        raise GridGenerationError(str(exc)) from None
    codes = []
    for index in range(len(pieces)):
        if index in matches:
            old = previous[matches[index]]
            codes.append((old.sequence, old.code, old.valid_from))
        else:
            codes.append((*next(fresh), None))
    return codes


@transaction.atomic
def grids_generate(
    *,
    communities: Iterable[Community],
    target_households: int,
    code_digits: int,
    activate: bool = False,
    note: str = "",
    fan_out: bool = False,
) -> GenerationReport:
    """Build a new grid generation for ``communities`` (inactive unless ``activate``).

    Each community is divided on its own, so regenerating one community
    never changes another's codes. Either every community succeeds and the
    stored generation passes the invariant check, or nothing is stored
    (``GridGenerationError`` naming the community and the invariant).
    ``fan_out``: partition one community per Celery task when a broker and
    a worker answer (same grids as a serial run); otherwise serially here.
    """
    if target_households < 1:
        raise GridGenerationError(f"target households must be at least 1, got {target_households}")
    if code_digits not in (2, 3):
        raise GridGenerationError(f"grid code sequence digits must be 2 or 3, got {code_digits}")
    communities = list(communities)
    generation = GridGeneration.objects.create(target_households=target_households, code_digits=code_digits,
                                               note=note)
    report = GenerationReport(generation=generation, communities=len(communities))
    previous: dict[int, list[Grid]] = {}
    for grid in Grid.objects.active().filter(community__in=communities).order_by("sequence"):
        previous.setdefault(grid.community_id, []).append(grid)
    items = community_inputs(communities)
    outcomes = _partitions(items, target_households, fan_out)
    grids: list[Grid] = []
    for item, outcome in zip(items, outcomes):
        grids.extend(_community_grids(item, outcome, generation, report, previous.get(item.community.id, [])))
    Grid.objects.bulk_create(grids, batch_size=1000)
    # Areas on the spheroid: the affine plane used for cutting is ~1e-4 off in scale.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE grids_grid SET area_m2 = ST_Area(polygon::geography) WHERE generation_id = %s",
                       [generation.pk])
    report.grids = len(grids)
    # The one checker, on the grids as stored: a generation failing it is rolled back whole.
    _refuse_failing(generation)
    if activate:
        grid_generation_activate(generation=generation)
    return report


def _partitions(items: list[CommunityInput], target_households: int, fan_out: bool) -> list[dict]:
    payloads = [community_payload(item, target_households) for item in items]
    if fan_out and len(payloads) > 1 and celery_workers() > 0:
        return partition_many(payloads)
    return [partition_payload(payload) for payload in payloads]


def _refuse_failing(generation: GridGeneration) -> None:
    violations = generation_violations(generation=generation)
    if violations:
        community, problems = next(iter(violations.items()))
        more = f" (and {len(violations) - 1} more communities)" if len(violations) > 1 else ""
        raise GridGenerationError(f"generation {generation.pk} fails its check: community {community}: "
                                  f"{'; '.join(problems[:3])}{more}")


@transaction.atomic
def grid_generation_activate(*, generation: GridGeneration) -> int:
    """Switch the generation's communities over to its grids, atomically.

    Refuses (``GridGenerationError`` naming the community and the broken
    invariant) a generation that fails the invariant check, changing
    nothing. The grids they replace stay stored (inactive, ``valid_to`` set)
    so events and cases made in them keep their grid; a grid that survived
    keeps its code and the code's ``valid_from``. The workers of retired
    codes move to their successors (``gridmgmt.grids.succession``; stored
    as ``generation.succession``). Returns the number of grids activated.
    """
    generation = GridGeneration.objects.select_for_update().get(pk=generation.pk)
    _refuse_failing(generation)
    now = timezone.now()
    community_ids = generation.grids.values("community_id")
    replaced = Grid.objects.filter(community_id__in=community_ids, active=True).exclude(generation=generation)
    retired = list(replaced.exclude(code__in=generation.grids.values("code")))
    # Deactivate first: at most one active grid per code is a database constraint.
    replaced.update(active=False, valid_to=now)
    generation.grids.filter(valid_from__isnull=True).update(valid_from=now)
    count = generation.grids.update(active=True, valid_to=None)
    generation.activated_at = now
    generation.succession = grid_succession_apply(retired=retired, replacing=list(generation.grids.all())).as_json()
    generation.save(update_fields=["activated_at", "succession"])
    return count
