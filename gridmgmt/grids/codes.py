"""Grid code allocation: a code once given to a place is never given to another.

A grid code is the community code plus a sequence (see ``spatial.grid_codes``).
A grid that survives a regeneration keeps its code; every other grid gets a
sequence above every sequence the community has ever used, in any
generation, active or not, so a retired code never comes back for another
place (DB11/T 2157 keeps a code's start and end dates; it never recycles).
Generation and the GIS editor's split/merge both allocate here.
"""

from collections.abc import Sequence

from django.db.models import Max

from gridmgmt.areas.models import Community
from gridmgmt.grids.models import Grid
from spatial.grid_codes import grid_code


class GridCodeExhausted(ValueError):
    """The community has used every sequence its code form allows."""


def grid_codes_next(*, community: Community, count: int, code_digits: int,
                    reserved: int = 0) -> list[tuple[int, str]]:
    """The next ``count`` unused (sequence, code) pairs of ``community``.

    Sequences follow the highest ever stored for the community (every
    generation, active or not) and ``reserved``, the highest the caller has
    already handed out in the same transaction but not yet stored. The
    community row is locked until the caller's transaction ends, so two
    allocations for one community (a generation and an editor's split)
    never hand out the same code.

    Must be called inside ``transaction.atomic`` (Django refuses the row
    lock otherwise with ``TransactionManagementError``).

    Raises ``GridCodeExhausted`` naming the community when the sequences
    would not fit in ``code_digits`` digits (99 for 14-digit codes).
    """
    return _allocate([(community, count, reserved)], code_digits)[0]


def grid_codes_next_many(*, counts: Sequence[tuple[Community, int]], code_digits: int) -> list[list[tuple[int, str]]]:
    """:func:`grid_codes_next` for many communities at once: one lock and one query, not two per community.

    ``counts`` is (community, how many codes) per community, each community
    once; returns each community's (sequence, code) pairs in that order.
    Raises ``GridCodeExhausted`` for the first community in ``counts`` whose
    sequences would not fit.
    """
    return _allocate([(community, count, 0) for community, count in counts], code_digits)


def communities_lock(community_ids) -> None:
    """Lock the communities' rows in id order, before any of their grids.

    The one lock order of grid changes: communities (by id), then grids (by
    id). Code allocation, the editor's split, merge, redraw and undo, and a
    generation's activation all take it, so two of them on overlapping
    communities queue instead of deadlocking (an edit holding its grid while
    waiting for the community that an undo or another edit holds while
    waiting for that grid). Must run inside ``transaction.atomic``.
    """
    list(Community.objects.select_for_update().filter(pk__in=list(community_ids)).order_by("pk")
         .values_list("pk", flat=True))


def _allocate(requests: Sequence[tuple[Community, int, int]], code_digits: int) -> list[list[tuple[int, str]]]:
    """(community, count, reserved) → the next ``count`` codes of each, the rows locked (see grid_codes_next)."""
    for community, count, _ in requests:
        if count < 0:
            raise ValueError(f"count must be at least 0, got {count} for community {community.code}")
    ids = [community.pk for community, _, _ in requests]
    communities_lock(ids)
    used = dict(Grid.objects.filter(community_id__in=ids).values("community_id").annotate(top=Max("sequence"))
                .values_list("community_id", "top"))
    largest = 10**code_digits - 1
    allocated = []
    for community, count, reserved in requests:
        start = max(used.get(community.pk) or 0, reserved) + 1
        if start + count - 1 > largest:
            raise GridCodeExhausted(
                f"community {community.code} {community.name}: needs grid sequences up to {start + count - 1}, "
                f"but codes are never reused and a {code_digits}-digit sequence allows at most {largest}; "
                f"use --code-digits {code_digits + 1}")
        allocated.append([(sequence, grid_code(community.code, sequence, code_digits))
                          for sequence in range(start, start + count)])
    return allocated
