"""Can a group of buildings be cut into ``n`` grids of at most ``T`` households?

The bisection of :mod:`spatial.bisection` splits a region into two sides
planned for ``n_a`` and ``n - n_a`` grids. Households only per grid are not
enough to judge such a split: 2,000 households in 10 grids fit when every
straight cut can land exactly on a multiple of 200, and not at all when the
buildings are large. This module answers the question on the buildings'
reference points alone (no geometry): it searches recursive straight cuts,
each between two buildings along one of a few directions, for one that
packs every side within the cap. A split whose two sides both pack is
feasible; the geometry then follows with the same kind of cut.

Everything is in metres and households; the search order is fixed, so the
answer is deterministic.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numba.typed
import numpy as np

# Directions tried at every level of the search, radians from the x axis:
# eight directions 22.5° apart cover every orientation of a grid to within
# 11.25°, which is as close as the sparse buildings of a grid need.
_ANGLES_RAD = tuple(math.pi * k / 8.0 for k in range(8))

# Searches (calls below the top) allowed for one question: a packing is
# usually found within a few dozen; beyond a few hundred there is none.
_BUDGET = 40


class Packer:
    """Answers packing questions for the buildings of one community part.

    Parameters
    ----------
    ref_xy
        (N, 2) reference points of all buildings, metres.
    weight
        Households each building counts for, ``min(h, T)``.
    target_households
        The cap ``T``.

    The search itself is compiled (:func:`_search`); its answers are kept
    for the life of the packer, since a group is asked again by later
    splits and for other grid counts.
    """

    def __init__(self, ref_xy: np.ndarray, weight: np.ndarray, target_households: int):
        self.weight = np.asarray(weight, dtype=float)
        self.target = float(target_households)
        self.directions = np.array([[math.cos(a), math.sin(a)] for a in _ANGLES_RAD])
        # Projections of every building on every direction, computed once.
        self.along = np.ascontiguousarray(self.directions @ np.asarray(ref_xy, dtype=float).T)  # (directions, buildings)
        # Rank of every building along every direction (ties by index), so a
        # group is ordered by an integer argsort.
        self.rank = np.argsort(np.lexsort((np.broadcast_to(np.arange(self.along.shape[1]), self.along.shape), self.along), axis=-1), axis=1)
        # Buildings at one position are never parted by a cut: a pile of them
        # above the cap cannot pack in any number of grids. Knowing it up front
        # saves the full search budget on every question that holds the pile
        # (a community with two 150-household buildings on one point took 42 s).
        # Positions as complex numbers: numpy's unique on rows (axis=0) costs several times more.
        xy = np.asarray(ref_xy, dtype=float)
        _, pile_of = np.unique(xy[:, 0] + 1j * xy[:, 1], return_inverse=True)
        pile_weight = np.bincount(pile_of, weights=self.weight)
        self.in_overweight_pile = pile_weight[pile_of] > self.target
        self._memo = _Memo.empty()

    @property
    def searches(self) -> int:
        """Groups searched so far (each answer is kept)."""
        return _memo_size(self._memo.groups)

    def packs(self, members: np.ndarray, grid_count: int) -> bool:
        """Whether ``members`` (sorted building indices) fit in ``grid_count`` grids.

        ``True`` is certain (a packing by straight cuts exists, see
        :meth:`first_cut`); ``False`` means none was found within the search
        budget.
        """
        members = np.ascontiguousarray(members, dtype=np.int64)
        total = float(self.weight[members].sum())
        return _search(self.rank, self.along, self.weight, self.target, self.in_overweight_pile,
                       members, grid_count, total, *self._memo, np.array([_BUDGET]))

    def split_packs(self, members_a: np.ndarray, members_b: np.ndarray, grid_count: int,
                    plans: tuple[int, ...]) -> bool:
        """Whether, for one of the ``plans`` (grids for side a), side a packs into them and side b into the rest.

        One compiled call for what is :meth:`packs` on both sides of each plan.
        """
        return _split_packs(self.rank, self.along, self.weight, self.target, self.in_overweight_pile,
                            np.ascontiguousarray(members_a, dtype=np.int64),
                            np.ascontiguousarray(members_b, dtype=np.int64), grid_count,
                            np.asarray(plans, dtype=np.int64), *self._memo)

    def first_cut(self, members: np.ndarray, grid_count: int) -> tuple[np.ndarray, int, int, int] | None:
        """The first cut of a packing of ``members`` into ``grid_count`` grids, if one was found.

        Returns
        -------
        tuple or None
            ``(order, k, n_a, direction)``: the first ``k`` buildings of
            ``order`` (positions in ``members``) make side a, planned for
            ``n_a`` grids; ``direction`` indexes :attr:`directions`.
        """
        members = np.ascontiguousarray(members, dtype=np.int64)
        if not self.packs(members, grid_count):
            return None
        direction, k, n_a = _memo_cut(*self._memo, members, grid_count)
        if direction < 0:  # within one grid: no cut needed
            return None
        return np.argsort(self.rank[direction, members]), k, n_a, direction

    def candidate_cuts(self, members: np.ndarray, grid_count: int, limit: int) -> list[tuple[np.ndarray, int, int, int]]:
        """The first cut of a packing found, then other candidates of :meth:`cuts`, up to ``limit`` in all.

        Only the first is known to lead to a packing; the caller checks the
        others (:meth:`packs` on both sides) if it picks them. Empty when no
        packing was found.
        """
        first = self.first_cut(members, grid_count)
        if first is None:
            return []
        found = [first]
        for order, k, n_a, direction in self.cuts(members, grid_count):
            if len(found) >= limit:
                break
            if not any(direction == d and k == f_k for _, f_k, _, d in found):
                found.append((order, k, n_a, direction))
        return found

    def cuts(self, members: np.ndarray, n: int):
        """Candidate cuts ``(order, k, n_a, direction)``, as returned by :meth:`first_cut`.

        For each share ``n_a`` (halves first) and each direction, the cut
        between two buildings that gives side a the households nearest to
        ``n_a / n`` of the total while both sides stay within their caps, so
        the slack is shared in proportion.
        """
        members = np.ascontiguousarray(members, dtype=np.int64)
        orders, cuts = _cuts(self.rank, self.along, self.weight, members, n, float(self.weight[members].sum()),
                             self.target)
        for direction, k, n_a, _ in cuts.tolist():
            yield orders[int(direction)], int(k), int(n_a), int(direction)


class _Memo(NamedTuple):
    """The search's answers, in numba's typed containers so the compiled search reads and adds them.

    ``groups[s]`` and ``grid_counts[s]`` are a question; ``found[s]`` its
    answer: the first cut's (direction, k, n_a), or -1s where nothing packs.
    ``index`` maps a question's hash to its slot.
    """

    index: numba.typed.Dict
    groups: numba.typed.List
    grid_counts: numba.typed.List
    found: numba.typed.List

    @classmethod
    def empty(cls) -> _Memo:
        return cls(*_empty_memo())


_GROUP = numba.types.int64[::1]
_CUT = numba.types.UniTuple(numba.types.int64, 3)


@numba.njit(cache=True)
def _empty_memo():
    index = numba.typed.Dict.empty(numba.types.int64, numba.types.int64)
    return (index, numba.typed.List.empty_list(_GROUP), numba.typed.List.empty_list(numba.types.int64),
            numba.typed.List.empty_list(_CUT))


@numba.njit(cache=True)
def _split_packs(rank, along, weight, target, in_overweight_pile, members_a, members_b, n, plans, index, groups,
                 grid_counts, found):
    total_a, total_b = weight[members_a].sum(), weight[members_b].sum()
    for n_a in plans:
        # Each side is a question of its own, with a fresh budget, as packs() gives it.
        if _search(rank, along, weight, target, in_overweight_pile, members_a, n_a, total_a, index, groups,
                   grid_counts, found, np.array([_BUDGET])) and \
                _search(rank, along, weight, target, in_overweight_pile, members_b, n - n_a, total_b, index, groups,
                        grid_counts, found, np.array([_BUDGET])):
            return True
    return False


# Typed containers are read only in compiled code: from Python each access compiles anew in every process.
@numba.njit(cache=True)
def _memo_size(groups):
    return len(groups)


@numba.njit(cache=True)
def _memo_cut(index, groups, grid_counts, found, members, n):
    slot = _lookup(index, groups, grid_counts, members, n)
    return found[slot] if slot >= 0 else (-1, -1, -1)


@numba.njit(cache=True)
def _question_hash(members, n):
    key = np.int64(n) * 1000003
    for i in members:
        key = (key ^ i) * 1099511628211  # FNV-1a's prime; wraps around, as a hash may
    return key


@numba.njit(cache=True)
def _lookup(index, groups, grid_counts, members, n):
    """The slot of the question (members, n), or -1. Hash collisions are compared away, never trusted."""
    key = _question_hash(members, n)
    if key not in index:
        return -1
    slot = index[key]
    if grid_counts[slot] != n or groups[slot].size != members.size:
        return -1
    return slot if np.all(groups[slot] == members) else -1


@numba.njit(cache=True)
def _search(rank, along, weight, target, in_overweight_pile, members, n, total, index, groups, grid_counts,
            found, budget):
    """Whether ``members`` (sorted) with ``total`` households pack into ``n`` grids by straight cuts.

    Depth first: the candidate cuts of :func:`_cuts` in order, the first
    whose two sides both pack wins and is kept in the memo. ``budget`` (one
    element) counts the searches left to the question; with none left the
    answer is no.
    """
    if total <= target:
        return True
    if n <= 1 or total > n * target or members.size < 2:
        return False
    slot = _lookup(index, groups, grid_counts, members, n)
    if slot >= 0:
        return found[slot][0] >= 0
    for i in members:
        if in_overweight_pile[i]:
            return False
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    answer = (-1, -1, -1)
    orders, cuts = _cuts(rank, along, weight, members, n, total, target)
    for c in range(cuts.shape[0]):
        direction, k, n_a, total_a = int(cuts[c, 0]), int(cuts[c, 1]), int(cuts[c, 2]), cuts[c, 3]
        # A side within the cap packs as it is: most sides are, and need no sorted copy.
        if total_a > target and not _search(rank, along, weight, target, in_overweight_pile,
                                            np.sort(members[orders[direction, :k]]), n_a, total_a,
                                            index, groups, grid_counts, found, budget):
            continue
        total_b = total - total_a
        if total_b > target and not _search(rank, along, weight, target, in_overweight_pile,
                                            np.sort(members[orders[direction, k:]]), n - n_a, total_b,
                                            index, groups, grid_counts, found, budget):
            continue
        answer = (direction, k, n_a)
        break
    index[_question_hash(members, n)] = len(groups)
    groups.append(members.copy())
    grid_counts.append(n)
    found.append(answer)
    return answer[0] >= 0


@numba.njit(cache=True)
def _cuts(rank, along, weight, members, n, total, target):
    """Every candidate cut of ``members`` into ``n`` grids, in the order :meth:`Packer.cuts` tries them.

    Returns ``orders`` (directions, m), the members' positions in order along
    each direction (ties by index), and ``cuts`` (c, 4) rows of direction, k,
    n_a and side a's households. Compiled: the groups are small (a median of
    12 buildings) and the search asks thousands of them, so numpy's cost per
    call was most of the time.
    """
    directions, m = rank.shape[0], members.size
    orders = np.empty((directions, m), dtype=np.int64)
    prefix = np.empty((directions, m - 1))
    splittable = np.empty((directions, m - 1), dtype=np.bool_)
    spread = np.empty(directions)
    for d in range(directions):
        order = np.argsort(rank[d, members])  # ranks are distinct: no ties to order
        orders[d] = order
        households = 0.0
        for j in range(m - 1):
            households += weight[members[order[j]]]
            prefix[d, j] = households
            # Buildings at the very same position cannot be told apart by a cut.
            splittable[d, j] = along[d, members[order[j + 1]]] > along[d, members[order[j]]]
        spread[d] = along[d, members[order[0]]] - along[d, members[order[m - 1]]]
    # Across the widest spread of the buildings first: compact sides.
    widest_first = np.argsort(spread, kind="mergesort")
    # Halves first, then shares ever further from half.
    shares = np.arange(1, n)
    shares = shares[np.argsort(np.abs(2 * shares - n) * n + shares, kind="mergesort")]
    cuts = np.empty((shares.size * directions, 4))
    count = 0
    for n_a in shares:
        low, high = total - (n - n_a) * target, n_a * target
        goal = total * n_a / n
        for d in widest_first:
            best, nearest = -1, np.inf
            for j in range(m - 1):
                if splittable[d, j] and low <= prefix[d, j] <= high and abs(prefix[d, j] - goal) < nearest:
                    best, nearest = j, abs(prefix[d, j] - goal)
            if best >= 0:
                cuts[count, 0], cuts[count, 1], cuts[count, 2], cuts[count, 3] = d, best + 1, n_a, prefix[d, best]
                count += 1
    return orders, cuts[:count]
