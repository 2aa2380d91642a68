"""Writes of grids: generate a generation from buildings and cut lines (roads, waterways, railways), activate it.

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
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from gridmgmt.areas.models import Community
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.grids.codes import GridCodeExhausted, communities_lock, grid_codes_next_many
from gridmgmt.grids.inputs import CommunityInput, community_inputs
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.partitioning import community_payload, partition_payload
from gridmgmt.grids.selectors import StoredGrid, generation_violations, stored_grids
from gridmgmt.grids.succession import grid_succession_apply
from gridmgmt.grids.tasks import celery_workers, partition_many
from gridmgmt.sensors.services import sensors_locate_again
from spatial.equirectangular import equirectangular
from spatial.grid_survival import grid_of_each, surviving


class GridGenerationError(ValueError):
    """A community cannot be divided as asked (e.g. more grids than the code allows)."""


class GridGenerationStale(GridGenerationError):
    """The generation was built on grids that changed since (another edit, an undo): activating it would
    silently throw that change away."""


@dataclass
class GenerationReport:
    generation: GridGeneration
    grids: int = 0
    communities: int = 0
    oversize_buildings: list[str] = field(default_factory=list)


def _community_grids(items: list[CommunityInput], outcomes: list[dict], generation: GridGeneration,
                     report: GenerationReport, previous: dict[int, list[StoredGrid]]) -> list[tuple]:
    """The new grids of every community as rows for :func:`_grids_store`, codes given.

    A surviving grid keeps its code (sequence and ``valid_from``); the others
    get the community's next never-used codes in the partition's west→east,
    north→south order, allocated for all communities in one query.
    """
    for item, outcome in zip(items, outcomes):
        if "error" in outcome:
            community = item.community
            raise GridGenerationError(f"community {community.code} {community.name}: {outcome['error']}")
    survivors = [_survivors(item, outcome, previous.get(item.community.pk, []))
                 for item, outcome in zip(items, outcomes)]
    try:
        fresh = grid_codes_next_many(
            counts=[(item.community, len(outcome["grids"]) - len(kept))
                    for item, outcome, kept in zip(items, outcomes, survivors)],
            code_digits=generation.code_digits)
    except GridCodeExhausted as exc:
        raise GridGenerationError(str(exc)) from None
    rows = []
    for item, outcome, kept, codes in zip(items, outcomes, survivors, fresh):
        codes = iter(codes)
        population = dict(zip(item.building_ids, item.population))
        for index, grid in enumerate(outcome["grids"]):
            old = kept.get(index)
            sequence, code, valid_from = (old.sequence, old.code, old.valid_from) if old else (*next(codes), None)
            rows.append((item.community.pk, code, sequence, grid["polygon"], grid["households"],
                         sum(population[i] for i in grid["building_ids"]), valid_from))
        report.oversize_buildings.extend(f"{item.community.code}: building {i}" for i in outcome["oversize_building_ids"])
    return rows


def _survivors(item: CommunityInput, outcome: dict, previous: list[StoredGrid]) -> dict[int, StoredGrid]:
    """``{new grid index: the active grid it continues}``: same buildings as they are now, nearly the same shape."""
    if not previous:
        return {}
    to_metric, _ = equirectangular(item.boundary_wgs84)
    metric_geoms = to_metric(np.asarray(item.building_geoms, dtype=object))
    old_polygons = to_metric(np.asarray([g.polygon for g in previous], dtype=object))
    new_polygons = to_metric(shapely.from_wkb([g["polygon"] for g in outcome["grids"]]))
    # The old grids' buildings as they are now: a grid whose buildings changed did not survive.
    old_members = [set() for _ in previous]
    for building_id, grid_index in zip(item.building_ids, grid_of_each(old_polygons, metric_geoms)):
        if grid_index >= 0:
            old_members[grid_index].add(building_id)
    matches = surviving([(p, frozenset(m)) for p, m in zip(old_polygons, old_members)],
                        [(p, frozenset(g["building_ids"])) for p, g in zip(new_polygons, outcome["grids"])])
    return {new: previous[old] for new, old in matches.items()}


# The columns _grids_store writes, in its order: every column of Grid but the id.
GRID_COLUMNS = ("generation_id", "community_id", "code", "sequence", "polygon", "households", "residents", "area_m2",
                "active", "valid_from", "valid_to")


def _grids_store(generation: GridGeneration, rows: list[tuple]) -> None:
    """Insert the generation's grids in one statement, areas measured on the spheroid as they go in.

    ``rows`` are (community id, code, sequence, polygon as WKB hex in WGS84,
    households, residents, valid_from); the WKB is stored as cut, every
    double kept. One ``INSERT … SELECT FROM unnest`` in place of
    ``bulk_create``, which compiled each row's geometry into SQL (0.4 s of
    CPU for the 2,119 Yuexiu grids). Every column of the model is written
    (``GRID_COLUMNS``, held to the model by a test), defaults spelled out: a
    generation is built inactive and its grids have not ended.
    """
    if not rows:
        return
    with connection.cursor() as cursor:
        # The affine plane used for cutting is ~1e-4 off in scale: areas come from the geography.
        cursor.execute(f"""
            INSERT INTO grids_grid ({", ".join(GRID_COLUMNS)})
            SELECT %s, community_id, code, sequence, polygon, households, residents,
                   ST_Area(polygon::geography), false, valid_from, NULL
            FROM (SELECT *, ST_GeomFromWKB(decode(wkb, 'hex'), %s) AS polygon
                  FROM unnest(%s::integer[], %s::text[], %s::integer[], %s::text[], %s::integer[], %s::integer[],
                              %s::timestamptz[])
                       WITH ORDINALITY AS grid (community_id, code, sequence, wkb, households, residents, valid_from, n)
                 ) AS decoded
            ORDER BY n""", [generation.pk, STORAGE_SRID, *(list(column) for column in zip(*rows))])


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
    previous = stored_grids(community_ids=[c.pk for c in communities])
    items = community_inputs(communities)
    outcomes = _partitions(items, target_households, fan_out)
    rows = _community_grids(items, outcomes, generation, report, previous)
    _grids_store(generation, rows)
    report.grids = len(rows)
    # The one checker, on the grids as stored (the inputs just read are not read again):
    # a generation failing it is rolled back whole.
    _refuse_failing(generation, inputs=items)
    if activate:
        # Just checked, in this transaction, which no one else sees yet: no second check.
        _switch_over(generation)
    return report


def _partitions(items: list[CommunityInput], target_households: int, fan_out: bool) -> list[dict]:
    payloads = [community_payload(item, target_households) for item in items]
    if fan_out and len(payloads) > 1 and celery_workers() > 0:
        return partition_many(payloads)
    return [partition_payload(payload) for payload in payloads]


def _refuse_failing(generation: GridGeneration, inputs: list[CommunityInput] | None = None) -> None:
    violations = generation_violations(generation=generation, inputs=inputs)
    if violations:
        community, problems = next(iter(violations.items()))
        more = f" (and {len(violations) - 1} more communities)" if len(violations) > 1 else ""
        raise GridGenerationError(f"generation {generation.pk} fails its check: community {community}: "
                                  f"{'; '.join(problems[:3])}{more}")


@transaction.atomic
def grid_generation_activate(*, generation: GridGeneration) -> int:
    """Switch the generation's communities over to its grids, atomically.

    Refuses (``GridGenerationError`` naming the community and the broken
    invariant) a generation that fails the invariant check, and
    (``GridGenerationStale``, naming the community and a changed grid) a
    never-activated generation whose communities' grids changed after it was
    built, changing nothing. Registered sensors of the communities are
    located again in the new grids. The grids they replace stay stored
    (inactive, ``valid_to`` set) so events and cases made in them keep their
    grid; a grid that survived keeps its code and the code's
    ``valid_from``. The workers of retired codes move to their successors
    (``gridmgmt.grids.succession``; stored as ``generation.succession``).
    Returns the number of grids activated.
    """
    generation = GridGeneration.objects.select_for_update().get(pk=generation.pk)
    communities_lock(generation.grids.values_list("community_id", flat=True))  # before their grids are updated
    _refuse_stale(generation)
    _refuse_failing(generation)
    return _switch_over(generation)


def _refuse_stale(generation: GridGeneration) -> None:
    """Refuse a never-activated generation whose communities' grids changed after it was built.

    A proposal built, then a split, merge, redraw, undo or other activation in its community, then the
    proposal activated: the change made in between was retired without a word (a lost update). A
    generation activated before (going back to it on purpose) is not refused here.
    """
    if generation.activated_at is not None:
        return
    communities = generation.grids.values("community_id")
    changed = (Grid.objects.filter(community_id__in=communities).exclude(generation=generation)
               .filter(Q(valid_to__gt=generation.created_at)
                       | Q(active=True, generation__activated_at__gt=generation.created_at))
               .select_related("community").order_by("community__code").first())
    if changed is not None:
        raise GridGenerationStale(
            f"generation {generation.pk} was built on the grids of community {changed.community.code} as they "
            f"were at {generation.created_at:%Y-%m-%d %H:%M:%S} UTC; they changed since (grid {changed.code}): "
            "build it again from the current grids")


def _switch_over(generation: GridGeneration) -> int:
    """Activation once the generation is known to pass its check (see grid_generation_activate)."""
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
    sensors_locate_again(community_ids=community_ids)  # fixed monitors follow the grid covering them
    return count
