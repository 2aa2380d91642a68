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
from dataclasses import dataclass

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
    """

    def __init__(self, ref_xy: np.ndarray, weight: np.ndarray, target_households: int):
        self.weight = np.asarray(weight, dtype=float)
        self.target = float(target_households)
        self.directions = np.array([[math.cos(a), math.sin(a)] for a in _ANGLES_RAD])
        directions = self.directions
        # Projections of every building on every direction, computed once.
        self.along = directions @ np.asarray(ref_xy, dtype=float).T  # (directions, buildings)
        # Rank of every building along every direction (ties by index), so a
        # group is ordered by an integer argsort.
        self.rank = np.argsort(np.lexsort((np.broadcast_to(np.arange(self.along.shape[1]), self.along.shape), self.along), axis=-1), axis=1)
        self._rows = np.arange(len(_ANGLES_RAD))[:, np.newaxis]
        self._memo: dict[tuple[bytes, int], tuple | None] = {}
        self._groups: dict[bytes, _Group] = {}  # see _group
        self._budget = 0
        # Buildings at one position are never parted by a cut: a pile of them
        # above the cap cannot pack in any number of grids. Knowing it up front
        # saves the full search budget on every question that holds the pile
        # (a community with two 150-household buildings on one point took 42 s).
        _, pile, inverse = np.unique(np.asarray(ref_xy, dtype=float), axis=0, return_index=True,
                                     return_inverse=True)
        pile_weight = np.bincount(inverse.ravel(), weights=self.weight, minlength=len(pile))
        self.in_overweight_pile = pile_weight[inverse.ravel()] > self.target

    def packs(self, members: np.ndarray, grid_count: int) -> bool:
        """Whether ``members`` (sorted building indices) fit in ``grid_count`` grids.

        ``True`` is certain (a packing by straight cuts exists, see
        :meth:`first_cut`); ``False`` means none was found within the search
        budget.
        """
        self._budget = _BUDGET
        return self._packs(np.asarray(members), grid_count)

    def first_cut(self, members: np.ndarray, grid_count: int) -> tuple[np.ndarray, int, int, int] | None:
        """The first cut of a packing of ``members`` into ``grid_count`` grids, if one was found.

        Returns
        -------
        tuple or None
            ``(order, k, n_a, direction)``: the first ``k`` buildings of
            ``order`` (positions in ``members``) make side a, planned for
            ``n_a`` grids; ``direction`` indexes :attr:`directions`.
        """
        if not self.packs(members, grid_count):
            return None
        return self._memo.get((np.asarray(members).tobytes(), grid_count))

    def candidate_cuts(self, members: np.ndarray, grid_count: int, limit: int) -> list[tuple[np.ndarray, int, int, int]]:
        """The first cut of a packing found, then other candidates of :meth:`cuts`, up to ``limit`` in all.

        Only the first is known to lead to a packing; the caller checks the
        others (:meth:`packs` on both sides) if it picks them. Empty when no
        packing was found.
        """
        members = np.asarray(members)
        if not self.packs(members, grid_count):
            return []
        found = [self._memo[(members.tobytes(), grid_count)]]
        for order, k, n_a, direction in self.cuts(members, grid_count):
            if len(found) >= limit:
                break
            if not any(direction == d and k == f_k for _, f_k, _, d in found):
                found.append((order, k, n_a, direction))
        return found

    def _packs(self, members: np.ndarray, n: int, total: float | None = None) -> bool:
        """:meth:`packs` within the budget left; ``total``: the members' households where a cut's sums gave them."""
        if total is None:
            total = float(self.weight[members].sum())
        if total <= self.target:
            return True
        if n <= 1 or total > n * self.target or members.size < 2:
            return False
        key = (members.tobytes(), n)
        if key in self._memo:
            return self._memo[key] is not None
        if self.in_overweight_pile[members].any() or self._budget <= 0:
            return False
        self._budget -= 1
        found = None
        for order, k, n_a, direction, total_a in self._cuts(members, n, total):
            if self._side_packs(members, order[:k], n_a, total_a) and \
                    self._side_packs(members, order[k:], n - n_a, total - total_a):
                found = (order, k, n_a, direction)
                break
        self._memo[key] = found
        return found is not None

    def _side_packs(self, members: np.ndarray, positions: np.ndarray, n: int, total: float) -> bool:
        # A side within the cap packs as it is: most sides are, and need no sorted copy.
        return total <= self.target or self._packs(np.sort(members[positions]), n, total)

    def cuts(self, members: np.ndarray, n: int):
        """Candidate cuts ``(order, k, n_a, direction)``, as returned by :meth:`first_cut`.

        For each share ``n_a`` (halves first) and each direction, the cut
        between two buildings that gives side a the households nearest to
        ``n_a / n`` of the total while both sides stay within their caps, so
        the slack is shared in proportion.
        """
        for order, k, n_a, direction, _ in self._cuts(members, n, float(self.weight[members].sum())):
            yield order, k, n_a, direction

    def _cuts(self, members: np.ndarray, n: int, total: float):
        """:meth:`cuts`, each with side a's households."""
        group = self._group(members)
        orders, prefix = group.orders, group.prefix
        for n_a in sorted(range(1, n), key=lambda share: (abs(2 * share - n), share)):
            low, high = total - (n - n_a) * self.target, n_a * self.target
            distance = np.where(group.splittable & (prefix >= low) & (prefix <= high),
                                np.abs(prefix - total * n_a / n), np.inf)
            best = distance.argmin(axis=1)
            widest_first = group.widest_first
            for direction in widest_first[distance[widest_first, best[widest_first]] < np.inf]:
                k = int(best[direction]) + 1
                yield orders[direction], k, n_a, int(direction), float(prefix[direction, k - 1])

    def _group(self, members: np.ndarray) -> _Group:
        """The members' orderings, kept: a group is cut again for other grid counts and by later splits."""
        key = members.tobytes()
        group = self._groups.get(key)
        if group is None:
            orders = np.argsort(self.rank[:, members], axis=1)
            sorted_along = self.along[:, members][self._rows, orders]
            group = self._groups[key] = _Group(
                orders=orders,
                prefix=np.cumsum(self.weight[members][orders], axis=1)[:, :-1],
                # Buildings at the very same position cannot be told apart by a cut.
                splittable=sorted_along[:, 1:] > sorted_along[:, :-1],
                # Across the widest spread of the buildings first: compact sides.
                widest_first=np.argsort(sorted_along[:, 0] - sorted_along[:, -1], kind="stable"),
            )
        return group


@dataclass(frozen=True)
class _Group:
    """The orderings of one group of buildings (m of them) along the search's directions."""

    orders: np.ndarray  # (directions, m) positions in the group, in order along each direction
    prefix: np.ndarray  # (directions, m - 1) households before each cut
    splittable: np.ndarray  # (directions, m - 1) whether the cut parts two positions
    widest_first: np.ndarray  # directions, widest spread first
