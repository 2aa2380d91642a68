"""The GIS editor's grid edits: split a grid by a line, merge adjacent grids, redraw a shared edge, undo.

Every edit builds a new generation for one community: the grids it does not
touch are copied with their codes, the new pieces get never-used codes
(``gridmgmt.grids.codes``), and the generation is activated through
``grid_generation_activate``, which runs the one invariant checker first. A
failing edit (a piece above the cap, a line through a building, merged grids
that do not touch) raises ``GridEditError`` and stores nothing. Geometry is
WGS84 (EPSG:4326), (lng, lat).
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import LineString, Polygon
from shapely.ops import split as shapely_split

from gridmgmt.areas.models import Community
from gridmgmt.grids.codes import communities_lock, grid_codes_next
from gridmgmt.grids.inputs import community_inputs
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.services import GridGenerationError, GridGenerationStale, grid_generation_activate
from gridmgmt.grids.succession import grid_succession_apply
from gridmgmt.sensors.services import sensors_locate_again
from spatial.grid_quality import building_owners
from spatial.stacking import stack_labels


class GridEditError(ValueError):
    """An edit that cannot be made as asked; the message names the grid and the reason."""


class GridEditConflict(GridEditError):
    """An edit made on grids that another edit has changed since (HTTP 409): look again, then redo it."""


@dataclass
class GridEditResult:
    generation: GridGeneration
    retired: list[str]
    created: list[str]
    # What the edit did to grid workers (``Succession.as_json``: moves, moved_off, without_worker).
    succession: dict = field(default_factory=dict)


def _polygon(grid: Grid) -> Polygon:
    return shapely.from_wkb(bytes(grid.polygon.wkb))


def _members(community: Community, polygons: list[Polygon]) -> tuple[list[list[int]], object]:
    """Indices of the community's buildings per polygon, placed by the checker's rule
    (:func:`spatial.grid_quality.building_owners`). Returns the lists and the community's inputs."""
    item = community_inputs([community])[0]
    owners = building_owners(np.asarray(polygons, dtype=object), np.asarray(item.building_geoms, dtype=object))
    members: list[list[int]] = [[] for _ in polygons]
    for index, owner in enumerate(owners):
        if owner >= 0:
            members[owner].append(index)
    return members, item


def _households(community: Community, polygons: list[Polygon]) -> list[tuple[int, int]]:
    """(households, residents) per polygon."""
    members, item = _members(community, polygons)
    return [(sum(item.households[i] for i in m), sum(item.population[i] for i in m)) for m in members]


def _replace(*, community: Community, removed: list[Grid], pieces: list[Polygon], note: str,
             survivors: dict[int, Grid] | None = None) -> GridEditResult:
    """Store a generation of ``community`` with ``removed`` replaced by ``pieces``, and activate it.

    ``survivors`` maps a piece's index to the removed grid whose code (and
    sequence and valid-from) it keeps; every other piece gets a new code.
    """
    survivors = survivors or {}
    current = list(Grid.objects.active().filter(community=community).order_by("sequence"))
    template = current[0].generation
    generation = GridGeneration.objects.create(target_households=template.target_households,
                                               code_digits=template.code_digits, note=note)
    removed_ids = {g.pk for g in removed}
    kept = [g for g in current if g.pk not in removed_ids]
    fresh = iter(grid_codes_next(community=community, count=len(pieces) - len(survivors),
                                 code_digits=template.code_digits))
    numbered = [(survivors[i].sequence, survivors[i].code, survivors[i].valid_from) if i in survivors
                else (*next(fresh), None) for i in range(len(pieces))]
    polygons = [_polygon(g) for g in kept] + pieces
    counts = _households(community, polygons)
    grids = [Grid(generation=generation, community=community, code=g.code, sequence=g.sequence,
                  polygon=g.polygon, households=h, residents=r, area_m2=g.area_m2, valid_from=g.valid_from)
             for g, (h, r) in zip(kept, counts)]
    grids += [Grid(generation=generation, community=community, code=code, sequence=sequence,
                   polygon=shapely.to_wkt(piece, rounding_precision=-1), households=h, residents=r, area_m2=0.0,
                   valid_from=valid_from)
              for piece, (sequence, code, valid_from), (h, r) in zip(pieces, numbered, counts[len(kept):])]
    Grid.objects.bulk_create(grids)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE grids_grid SET area_m2 = ST_Area(polygon::geography) WHERE generation_id = %s",
                       [generation.pk])
    try:
        grid_generation_activate(generation=generation)
    except GridGenerationStale as exc:
        raise GridEditConflict(str(exc)) from None
    except GridGenerationError as exc:
        raise GridEditError(str(exc)) from None
    kept_codes = {g.code for g in survivors.values()}
    generation.refresh_from_db(fields=["succession"])
    return GridEditResult(generation=generation, retired=sorted(g.code for g in removed if g.code not in kept_codes),
                          created=[code for _, code, _ in numbered if code not in kept_codes],
                          succession=generation.succession)


def _grids_locked(grids: list[Grid]) -> list[Grid]:
    """The grids re-read and locked in the one lock order (their communities first; see communities_lock)."""
    ids = [g.pk for g in grids]
    communities_lock(Grid.objects.filter(pk__in=ids).values_list("community_id", flat=True))
    return list(Grid.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def grid_split(*, grid: Grid, line: LineString, note: str = "") -> GridEditResult:
    """Split an active grid along ``line`` (WGS84) into the pieces the line cuts.

    The pieces get new codes; the grid's code retires. Raises
    ``GridEditError`` when the grid is not active, the line does not cross
    it from edge to edge, or a piece breaks an invariant (e.g. the line runs
    through a building).
    """
    (grid,) = _grids_locked([grid])
    if not grid.active:
        raise GridEditError(f"grid {grid.code} is not active; only current grids can be split")
    polygon = _polygon(grid)
    if not line.is_valid or line.length == 0:
        raise GridEditError("the split line is empty or invalid")
    pieces = [p for p in shapely.get_parts(shapely_split(polygon, line)) if p.area > 0]
    if len(pieces) < 2:
        raise GridEditError(f"the line does not cross grid {grid.code} from edge to edge; nothing to split")
    return _replace(community=grid.community, removed=[grid], pieces=pieces,
                    note=note or f"split {grid.code}")


@transaction.atomic
def grids_merge(*, grids: list[Grid], note: str = "") -> GridEditResult:
    """Merge two or more adjacent active grids of one community into one grid with a new code.

    Raises ``GridEditError`` when fewer than two grids are given, they are of
    different communities or not active, their union is not one polygon (they
    do not share an edge), or the merged grid breaks an invariant (e.g. above
    the household cap).
    """
    grids = _grids_locked(grids)
    if len(grids) < 2:
        raise GridEditError("choose at least two grids to merge")
    if len({g.community_id for g in grids}) > 1:
        raise GridEditError("grids of different communities cannot be merged: "
                            + ", ".join(g.code for g in grids))
    inactive = [g.code for g in grids if not g.active]
    if inactive:
        raise GridEditError(f"only current grids can be merged; not active: {', '.join(inactive)}")
    merged = shapely.union_all([_polygon(g) for g in grids], grid_size=1e-9)
    if merged.geom_type != "Polygon":
        raise GridEditError(f"grids {', '.join(g.code for g in grids)} do not share an edge; "
                            "their union is not one polygon")
    return _replace(community=grids[0].community, removed=grids, pieces=[merged],
                    note=note or f"merge {'+'.join(g.code for g in grids)}")


@transaction.atomic
def grids_redraw_edge(*, grids: list[Grid], line: LineString, note: str = "") -> GridEditResult:
    """Redraw the shared edge of two adjacent active grids of one community along ``line`` (WGS84).

    The two grids' union is cut by the line into exactly two pieces. A piece
    holding the same buildings as one of the two grids had is that grid
    surviving and keeps its code; a piece whose buildings changed gets a new
    code and the old code retires (the grid issue's rule). Raises
    ``GridEditError`` when the grids are not two adjacent active grids of one
    community, the line does not cut their union in two, or a piece breaks an
    invariant.
    """
    grids = _grids_locked(grids)
    if len(grids) != 2:
        raise GridEditError("choose exactly two grids whose shared edge is redrawn")
    if grids[0].community_id != grids[1].community_id:
        raise GridEditError(f"grids {grids[0].code} and {grids[1].code} are in different communities")
    inactive = [g.code for g in grids if not g.active]
    if inactive:
        raise GridEditError(f"only current grids can be redrawn; not active: {', '.join(inactive)}")
    if not line.is_valid or line.length == 0:
        raise GridEditError("the new edge is empty or invalid")
    union = shapely.union_all([_polygon(g) for g in grids], grid_size=1e-9)
    if union.geom_type != "Polygon":
        raise GridEditError(f"grids {grids[0].code} and {grids[1].code} do not share an edge")
    pieces = [p for p in shapely.get_parts(shapely_split(union, line)) if p.area > 0]
    if len(pieces) != 2:
        raise GridEditError(f"the new edge must cut grids {grids[0].code} and {grids[1].code} into exactly two "
                            f"pieces from edge to edge; it makes {len(pieces)}")
    community = grids[0].community
    old_members, _ = _members(community, [_polygon(g) for g in grids])
    new_members, _ = _members(community, pieces)
    survivors = {}
    for index, members in enumerate(new_members):
        for grid, before in zip(grids, old_members):
            if sorted(members) == sorted(before) and grid not in survivors.values():
                survivors[index] = grid
    return _replace(community=community, removed=grids, pieces=pieces, survivors=survivors,
                    note=note or f"redraw {grids[0].code}|{grids[1].code}")


def _count_going_back(community: Community, restored: list[Grid]) -> None:
    """Count the restored grids' households again from the buildings as they are now; refuse a grid above its
    generation's cap that holds more than one building (or stack: :mod:`spatial.stacking`), as the check
    of an activation does.

    The earlier grids kept the counts of their day: after a household correction accepted since, an undo
    brought a grid back storing 90 households where its buildings held 230, above the cap, without a word.
    (Grids that no longer fit a moved boundary may come back: the editor lists them to regenerate.)
    """
    members, item = _members(community, [_polygon(g) for g in restored])
    for grid, indices in zip(restored, members):
        households = sum(item.households[i] for i in indices)
        residents = sum(item.population[i] for i in indices)
        if (grid.households, grid.residents) != (households, residents):
            grid.households, grid.residents = households, residents
            grid.save(update_fields=["households", "residents"])
        cap = grid.generation.target_households
        if households <= cap:
            continue
        stacks = stack_labels(np.asarray([item.building_geoms[i] for i in indices], dtype=object))
        if len(set(stacks.tolist())) > 1:
            raise GridEditError(f"community {community.code} cannot go back to its earlier grids: grid {grid.code} "
                                f"would hold {households} households, above {cap}, as its buildings are counted "
                                "now")


@transaction.atomic
def community_grids_undo(*, community: Community) -> GridEditResult:
    """Reactivate the grids the community had before its last activation (one step back).

    The current grids are retired (``valid_to`` set) but stay stored; the
    previous ones come back with their codes, and the workers the undone
    activation moved go back to their grids (``gridmgmt.grids.succession``). Raises ``GridEditError`` when
    the community has no earlier grids.
    """
    communities_lock([community.pk])
    current = list(Grid.objects.active().filter(community=community))
    generation_ids = {g.generation_id for g in current}
    previous_generation = (Grid.objects.filter(community=community, active=False, valid_to__isnull=False)
                           .exclude(generation_id__in=generation_ids)
                           .order_by("-valid_to", "-generation_id").values_list("generation_id", flat=True)
                           .first())
    if previous_generation is None:
        raise GridEditError(f"community {community.code} has no earlier grids to go back to")
    now = timezone.now()
    Grid.objects.filter(pk__in=[g.pk for g in current]).update(active=False, valid_to=now)
    restored = Grid.objects.filter(community=community, generation_id=previous_generation)
    restored.update(active=True, valid_to=None)
    restored = list(restored.order_by("sequence"))
    _count_going_back(community, restored)
    restored_codes = {g.code for g in restored}
    # The workers the undone activation moved go back to the codes they came from.
    returning = {(move["user_id"], move["new"]): move["old"]
                 for generation in GridGeneration.objects.filter(pk__in=generation_ids)
                 for move in generation.succession.get("moves", [])}
    succession = grid_succession_apply(retired=[g for g in current if g.code not in restored_codes],
                                       replacing=restored, returning=returning)
    sensors_locate_again(community_ids=[community.pk])  # fixed monitors follow the grid covering them
    return GridEditResult(generation=GridGeneration.objects.get(pk=previous_generation),
                          retired=sorted(g.code for g in current),
                          created=sorted(restored_codes), succession=succession.as_json())
