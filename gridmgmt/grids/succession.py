"""Succession of retired grid codes: which grids take over a retired grid, and who works them now.

Grid workers are bound to a grid code (``RoleAssignment.grid_code``) and a
code is never reused (``gridmgmt.grids.codes``), so every activation that
retires codes (regeneration, split, merge, redraw, undo) moves the workers
of the retired codes here, once, from ``grid_generation_activate`` and
``community_grids_undo``:

- the successors of a retired grid are the grids replacing it that overlap
  it, each with the share of its households (buildings by representative
  point) and of its area (geodesic m²) it takes;
- the workers of a retired code become workers of the successor holding most
  of its households (ties: more area, then lowest code); when that successor
  already has a worker (a kept grid, or another retired grid's worker who
  brings it more households) they stay bound to the retired code, are listed
  as ``moved_off`` and their community supervisor is asked to place them;
- ``returning`` (undo) sends a worker back to the code they were moved off,
  whatever the shares, so an undo restores the assignments it reverses;
- successors with no worker afterwards are listed as ``without_worker``.

Events and cases keep the grid they were made in: nothing here touches them.
"""

from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_noop as N_

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.cases.models import NotificationKind
from gridmgmt.cases.notifications import notify
from gridmgmt.grids.models import Grid

MOVED = N_("Grid %(old)s was retired; you are now the grid worker of grid %(new)s.")
MOVED_OFF = N_("Grid %(old)s was retired and grid %(new)s that takes most of it already has a worker; "
               "ask your community supervisor for a grid.")
SUPERVISOR_MOVED = N_("Grid %(old)s was retired: %(worker)s now works grid %(new)s.")
SUPERVISOR_MOVED_OFF = N_("Grid %(old)s was retired: %(worker)s has no current grid; please assign one.")
SUPERVISOR_UNSTAFFED = N_("Grids without a grid worker, please assign them: %(codes)s")


@dataclass
class Successor:
    """A grid taking over part of a retired grid.

    ``households``: the retired grid's households whose building (by its
    representative point) the successor covers; ``households_share`` and
    ``area_share`` (geodesic): fractions (0–1) of the retired grid's.
    """

    code: str
    households: int
    households_share: float
    area_share: float


@dataclass
class WorkerMove:
    """A worker of retired grid ``old``: now bound to ``new``, or ``new`` is the staffed successor they lost."""

    user_id: int
    username: str
    old: str
    new: str


@dataclass
class Succession:
    """What an activation does to grid workers; ``as_json()`` is stored on the generation."""

    successors: dict[str, list[Successor]] = field(default_factory=dict)
    moves: list[WorkerMove] = field(default_factory=list)
    moved_off: list[WorkerMove] = field(default_factory=list)
    without_worker: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Succession":
        """The succession stored by :meth:`as_json` (``{}``, a generation never activated: no moves)."""
        return cls(successors={code: [Successor(**s) for s in items]
                               for code, items in data.get("successors", {}).items()},
                   moves=[WorkerMove(**m) for m in data.get("moves", [])],
                   moved_off=[WorkerMove(**m) for m in data.get("moved_off", [])],
                   without_worker=list(data.get("without_worker", [])))

    def lines(self) -> list[str]:
        """One English line per move and per unstaffed grid (the command's output)."""
        return ([f"worker {m.username}: grid {m.old} -> {m.new}" for m in self.moves]
                + [f"worker {m.username}: grid {m.old} retired, {m.new} already has a worker; no current grid"
                   for m in self.moved_off]
                + [f"grid {code}: without a worker" for code in self.without_worker])


def _successors(retired: list[Grid], replacing: list[Grid]) -> dict[str, list[Successor]]:
    if not retired or not replacing:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT r.code, s.code,
                   (SELECT coalesce(sum(b.households), 0) FROM areas_building b
                     WHERE ST_Covers(r.polygon, b.location) AND ST_Covers(s.polygon, b.location)),
                   (SELECT coalesce(sum(b.households), 0) FROM areas_building b WHERE ST_Covers(r.polygon, b.location)),
                   ST_Area(ST_Intersection(r.polygon, s.polygon)::geography)
                     / NULLIF(ST_Area(r.polygon::geography), 0)
            FROM grids_grid r JOIN grids_grid s ON ST_Intersects(r.polygon, s.polygon)
            WHERE r.id = ANY(%s) AND s.id = ANY(%s)""", [[g.pk for g in retired], [g.pk for g in replacing]])
        rows = cursor.fetchall()
    result: dict[str, list[Successor]] = {g.code: [] for g in retired}
    for old, new, households, total, area_share in rows:
        if households == 0 and not area_share:
            continue  # touching along an edge only
        result[old].append(Successor(code=new, households=households,
                                     households_share=round(households / total, 4) if total else 0.0,
                                     area_share=round(area_share or 0.0, 4)))
    for successors in result.values():
        successors.sort(key=lambda s: (-s.households, -s.area_share, s.code))
    return result


def grid_succession_preview(*, retired: list[Grid], replacing: list[Grid],
                            returning: dict[tuple[int, str], str] | None = None) -> Succession:
    """What replacing the active grids ``retired`` by ``replacing`` would do to their workers; writes nothing.

    ``retired``: the grids whose codes end; ``replacing``: every grid active
    afterwards in the same communities (kept codes included: their workers
    stay). ``returning`` maps (user id, retired code) to the code that user
    goes back to (undo). Workers are read from ``RoleAssignment``.
    """
    returning = returning or {}
    succession = Succession(successors=_successors(retired, replacing))
    retired_codes = set(succession.successors)
    replacing_codes = {g.code for g in replacing}
    staffed = set(RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid_code__in=replacing_codes - retired_codes)
                  .values_list("grid_code", flat=True))
    workers = list(RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid_code__in=retired_codes)
                   .select_related("user").order_by("grid_code", "user_id"))
    back = [w for w in workers if returning.get((w.user_id, w.grid_code)) in replacing_codes]
    for worker in back:
        new = returning[(worker.user_id, worker.grid_code)]
        succession.moves.append(WorkerMove(worker.user_id, worker.user.get_username(), worker.grid_code, new))
        staffed.add(new)
    # The retired grid bringing a successor most households claims it first.
    best = {code: successors[0] for code, successors in succession.successors.items() if successors}
    claimed: dict[str, str] = {}
    for worker in sorted((w for w in workers if w not in back and w.grid_code in best),
                         key=lambda w: (-best[w.grid_code].households, w.grid_code, w.user_id)):
        new = best[worker.grid_code].code
        move = WorkerMove(worker.user_id, worker.user.get_username(), worker.grid_code, new)
        if new in staffed or claimed.setdefault(new, worker.grid_code) != worker.grid_code:
            succession.moved_off.append(move)
        else:
            succession.moves.append(move)
    staffed |= {m.new for m in succession.moves}
    succession.without_worker = sorted({s.code for successors in succession.successors.values() for s in successors}
                                       - staffed)
    return succession


def grid_succession_apply(*, retired: list[Grid], replacing: list[Grid],
                          returning: dict[tuple[int, str], str] | None = None) -> Succession:
    """Move the workers as :func:`grid_succession_preview` says and notify them and their community supervisors.

    Call inside the activation's transaction, after ``replacing`` are active.
    Returns the succession (stored on the generation by the caller).
    """
    succession = grid_succession_preview(retired=retired, replacing=replacing, returning=returning)
    for move in succession.moves:
        RoleAssignment.objects.filter(user_id=move.user_id, role=Role.GRID_WORKER, grid_code=move.old).update(
            grid_code=move.new)
    community_of = {g.code: g.community_id for g in [*retired, *replacing]}
    users = get_user_model().objects.in_bulk([m.user_id for m in succession.moves + succession.moved_off])

    def supervisors(code):
        return users_with_role(Role.COMMUNITY_SUPERVISOR, community_id=community_of[code])

    for moves, to_worker, to_supervisors in ((succession.moves, MOVED, SUPERVISOR_MOVED),
                                             (succession.moved_off, MOVED_OFF, SUPERVISOR_MOVED_OFF)):
        for move in moves:
            params = {"old": move.old, "new": move.new, "worker": move.username}
            notify(users=[users[move.user_id]], kind=NotificationKind.GRID_CHANGED, case=None, message=to_worker,
                   params=params)
            notify(users=supervisors(move.old), kind=NotificationKind.GRID_CHANGED, case=None,
                   message=to_supervisors, params=params)
    # One notice per community, not per grid: a regeneration can leave dozens of grids unstaffed.
    unstaffed: dict[int, list[str]] = {}
    for code in succession.without_worker:
        unstaffed.setdefault(community_of[code], []).append(code)
    for codes in unstaffed.values():
        notify(users=supervisors(codes[0]), kind=NotificationKind.GRID_CHANGED, case=None,
               message=SUPERVISOR_UNSTAFFED, params={"codes": ", ".join(codes)})
    return succession


def generation_succession_preview(*, generation) -> Succession:
    """What activating the inactive ``generation`` would do to grid workers (the editor's proposal); writes nothing."""
    replacing = list(generation.grids.all())
    codes = {g.code for g in replacing}
    retired = list(Grid.objects.active().filter(community_id__in={g.community_id for g in replacing})
                   .exclude(code__in=codes))
    return grid_succession_preview(retired=retired, replacing=replacing)

