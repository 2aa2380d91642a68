"""Units (road blocks, building plots) grouped into grids on their adjacency graph.

Pure graph work: nodes are units, edges join units sharing a boundary
(attribute ``length``, metres). Every function keeps the cap ``T``: a group
never holds more than ``T`` households unless it is one oversize unit (one
building, or one stack of buildings lying on one another
(:mod:`spatial.stacking`), above ``T``) with nothing but empty land beside it.

The grouping, tried for ``m = n .. n + 3`` grids (``n = ceil(H / T)``):

1. Growth one group at a time (:func:`grow_one_by_one`) from the outermost
   free unit, adding the free neighbour that shares the most of its outline
   with the group, up to the mean of what is left over the grids it needs at
   ``H / m`` households each.
2. Merging (:func:`merge_light`): neighbouring groups whose households
   together fit within ``T`` become one, lightest pair first.
3. Dissolving (:func:`dissolve_light`): a group below ``T / 2`` is given
   away unit by unit to neighbours with room, if all of it fits.

The fewest groups win, then the lowest coefficient of variation of
households. Growing to the mean of ``n`` grids alone (as before) left
leftovers of 8–48 households between full grids on a suburban extract
(28 grids for 3,841 households, CV 0.54; now 23, CV 0.08; see
``bench/grids.py``).
"""

from __future__ import annotations

import heapq
import math

import networkx as nx
import numpy as np

# Lighter means tried beyond ceil(H / T) grids.
_EXTRA_GRIDS_TRIED = 3


def group_units(graph: nx.Graph, centres: np.ndarray, perimeters: np.ndarray, households: np.ndarray,
                oversize: np.ndarray, target: int, buildings: np.ndarray) -> list[set[int]]:
    """Groups of units, each within ``target`` households unless it is one oversize unit (see the module).

    Parameters
    ----------
    graph
        Units as nodes ``0..U-1``; an edge where two share a boundary, with
        its ``length`` (metres).
    centres
        (U, 2) a point inside each unit, metres.
    perimeters
        (U,) each unit's outline length, metres.
    households
        (U,) households of each unit.
    oversize
        (U,) whether a unit is one building or one stack (:mod:`spatial.stacking`) above ``target``
        (a grid alone).
    target
        The cap ``T``.
    buildings
        (U,) buildings in each unit (an oversize unit's grid takes in only
        units without buildings).

    Returns
    -------
    list of set of int
        The groups, in a deterministic order.
    """
    total = float(households[~oversize].sum())
    needed = max(1, math.ceil(total / target))
    neighbours = _neighbour_lists(graph)
    best = None
    # Grids grown to the mean of ceil(H / T) leave leftovers between full
    # grids; a few more, lighter grids leave room to take them in. The
    # fewest grids win, then the most even.
    for count in range(needed, needed + _EXTRA_GRIDS_TRIED + 1):
        groups = _grow(neighbours, centres, perimeters, households, oversize, target, max(total / count, 1.0))
        groups = merge_light(graph, groups, households, oversize, target, buildings)
        groups = dissolve_light(graph, groups, households, oversize, target)
        totals = np.array([households[list(g)].sum() for g in groups], dtype=float)
        key = (len(groups), float(totals.std() / max(totals.mean(), 1e-9)))
        if best is None or key < best[0]:
            best = (key, groups)
    return best[1]


def grow_one_by_one(graph, centres, perimeters, households, oversize, target,
                    per_grid: float | None = None) -> list[set[int]]:
    """Groups grown one after another from the outermost free unit up to the remaining mean.

    The mean is of the households left over the grids they need at
    ``per_grid`` households each (``target`` by default).
    """
    return _grow(_neighbour_lists(graph), centres, perimeters, households, oversize, target,
                 target if per_grid is None else per_grid)


def _neighbour_lists(graph: nx.Graph) -> list[list[tuple[int, float]]]:
    """(neighbour, shared length) of each unit, in the graph's adjacency order."""
    adjacency = dict(graph.adjacency())
    return [[(v, edge["length"]) for v, edge in adjacency[u].items()] for u in range(len(adjacency))]


def _grow(neighbours, centres, perimeters, households, oversize, target, per_grid: float) -> list[set[int]]:
    units = _FreeUnits(neighbours, centres, perimeters, households, oversize)
    groups: list[set[int]] = []
    remaining = sum(units.households)
    while (seed := units.outermost()) is not None:
        # An oversize unit is a grid alone: nothing is added below a goal of 0.
        goal = 0 if oversize[seed] else min(target, remaining / max(1, math.ceil(remaining / per_grid)))
        group = units.grow(seed, len(groups), goal=goal, target=target)
        groups.append(group)
        remaining -= sum(units.households[u] for u in group)
    return groups


class _FreeUnits:
    """The units not yet in a group, with what growth asks of them kept up to date.

    Plain lists rather than networkx views, and heaps kept up to date as
    units are taken rather than a scan of every free unit and of the whole
    group per step: the same groups, and :func:`group_units` on the suburb
    extract (1,735 units) in ~0.15 s of CPU instead of ~2 s.
    """

    def __init__(self, neighbours, centres, perimeters, households, oversize):
        self.neighbours = neighbours
        self.households = [int(h) for h in households]
        self.oversize = [bool(o) for o in oversize]
        self.perimeters = [max(float(p), 1e-9) for p in perimeters]
        self.free = [True] * len(self.neighbours)
        self.group_of = [-1] * len(self.neighbours)
        self.free_neighbours = [len(adjacent) for adjacent in self.neighbours]
        self.north = np.round(centres[:, 1], 3).tolist()
        self.west = np.round(centres[:, 0], 3).tolist()
        # A unit's key only falls as its neighbours are taken, so the least
        # entry of a unit is its current one; stale ones pop after it.
        self.seeds = [self._seed_key(u) for u in range(len(self.neighbours))]
        heapq.heapify(self.seeds)

    def _seed_key(self, unit: int) -> tuple:
        return self.free_neighbours[unit], -self.north[unit], self.west[unit], unit

    def outermost(self) -> int | None:
        """The free unit with the fewest free neighbours, north-west first (None when all are taken).

        Growing from the edge inwards leaves no free islands behind.
        """
        while self.seeds:
            unit = heapq.heappop(self.seeds)[3]
            if self.free[unit]:
                return unit
        return None

    def grow(self, seed: int, group_index: int, goal: float, target: int) -> set[int]:
        """A group grown from ``seed`` while below ``goal``, its households never above ``target``.

        The next unit is the free neighbour (not oversize, fitting) sharing
        the largest part of its outline with the group, lowest index on a tie.
        """
        group, total = {seed}, self.households[seed]
        share: dict[int, float] = {}
        candidates: list[tuple[float, int]] = []  # (-share, unit); stale once the share grew or the unit is taken
        self._take(seed, group_index, share, candidates)
        while total < goal:
            while candidates:
                negative_share, best = candidates[0]
                # A unit too heavy now stays too heavy: the group only grows.
                if self.free[best] and share[best] == -negative_share and total + self.households[best] <= target:
                    break
                heapq.heappop(candidates)
            if not candidates:
                break
            heapq.heappop(candidates)
            group.add(best)
            total += self.households[best]
            self._take(best, group_index, share, candidates)
        return group

    def _take(self, unit: int, group_index: int, share: dict[int, float], candidates: list) -> None:
        self.free[unit] = False
        self.group_of[unit] = group_index
        for v, _ in self.neighbours[unit]:
            if not self.free[v]:
                continue
            self.free_neighbours[v] -= 1
            heapq.heappush(self.seeds, self._seed_key(v))
            if not self.oversize[v]:
                # Summed in adjacency order, as before: the same float to the last bit.
                shared = sum(length for w, length in self.neighbours[v] if self.group_of[w] == group_index)
                share[v] = shared / self.perimeters[v]
                heapq.heappush(candidates, (-share[v], v))


def dissolve_light(graph, groups, households, oversize, target) -> list[set[int]]:
    """Groups below half the cap given away whole, unit by unit, to neighbouring groups with room.

    A unit goes to the neighbouring group it shares the most boundary with
    among those it fits in (never an oversize building's grid); a group is
    dissolved only if every one of its units finds a place, else it stays.
    """
    groups = [set(g) for g in groups]
    fixed = [any(oversize[u] for u in g) for g in groups]
    totals = [int(sum(households[u] for u in g)) for g in groups]
    for k in sorted(range(len(groups)), key=lambda g: (totals[g], g)):
        if fixed[k] or not groups[k] or totals[k] * 2 >= target:
            continue
        owner = {u: j for j, g in enumerate(groups) for u in g}
        placed: dict[int, int] = {}
        added = [0] * len(groups)
        pending = set(groups[k])
        while pending:
            moves = []
            for u in pending:
                shared: dict[int, float] = {}
                for v, edge in graph[u].items():
                    j = placed.get(v, owner[v])
                    if j != k and not fixed[j]:
                        shared[j] = shared.get(j, 0.0) + edge["length"]
                fits = [(length, -j, j) for j, length in shared.items()
                        if totals[j] + added[j] + households[u] <= target]
                if fits:
                    moves.append((max(fits), u))
            if not moves:
                break
            (_, _, j), u = max(moves)
            placed[u] = j
            added[j] += int(households[u])
            pending.discard(u)
        if pending:
            continue
        for u, j in placed.items():
            groups[j].add(u)
            totals[j] += int(households[u])
        groups[k] = set()
        totals[k] = 0
    return [g for g in groups if g]


def merge_light(graph, groups, households, oversize, target, buildings) -> list[set[int]]:
    """Merge neighbouring groups, lightest pair first, while their households together fit under ``target``."""
    groups = [set(g) for g in groups]
    owner = np.empty(len(graph), dtype=np.int64)
    for k, g in enumerate(groups):
        owner[list(g)] = k
    totals = np.array([int(sum(households[u] for u in g)) for g in groups], dtype=np.int64)
    counts = np.array([int(sum(buildings[u] for u in g)) for g in groups], dtype=np.int64)
    heavy = np.array([any(oversize[u] for u in g) for g in groups], dtype=bool)
    edges = np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
    while True:
        a = np.minimum(owner[edges[:, 0]], owner[edges[:, 1]])
        b = np.maximum(owner[edges[:, 0]], owner[edges[:, 1]])
        pair_total = totals[a] + totals[b]
        # An oversize building's grid takes in only empty land.
        allowed = (a != b) & ~((heavy[a] & (counts[b] > 0)) | (heavy[b] & (counts[a] > 0)))
        allowed &= (pair_total <= target) | heavy[a] | heavy[b]
        if not allowed.any():
            return groups
        a, b, pair_total = a[allowed], b[allowed], pair_total[allowed]
        first = np.lexsort((b, a, pair_total))[0]
        a, b = int(a[first]), int(b[first])
        groups[a] |= groups[b]
        del groups[b]
        totals[a] += totals[b]
        counts[a] += counts[b]
        heavy[a] |= heavy[b]
        totals, counts, heavy = (np.delete(values, b) for values in (totals, counts, heavy))
        owner[owner == b] = a
        owner[owner > b] -= 1
