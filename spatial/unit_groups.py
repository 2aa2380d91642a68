"""Units (road blocks, building plots) grouped into grids on their adjacency graph.

Pure graph work: nodes are units, edges join units sharing a boundary
(attribute ``length``, metres). Every function keeps the cap ``T``: a group
never holds more than ``T`` households unless it is one oversize unit (one
building above ``T``) with nothing but empty land beside it.

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
        (U,) whether a unit is one building above ``target`` (a grid alone).
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
    best = None
    # Grids grown to the mean of ceil(H / T) leave leftovers between full
    # grids; a few more, lighter grids leave room to take them in. The
    # fewest grids win, then the most even.
    for count in range(needed, needed + _EXTRA_GRIDS_TRIED + 1):
        groups = grow_one_by_one(graph, centres, perimeters, households, oversize, target, max(total / count, 1.0))
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
    per_grid = target if per_grid is None else per_grid
    free = set(graph.nodes)
    groups: list[set[int]] = []
    remaining = int(sum(households[u] for u in free))
    while free:
        # The outermost free unit (fewest free neighbours), north-west first:
        # growing from the edge inwards leaves no free islands behind.
        seed = min(free, key=lambda u: (sum(n in free for n in graph[u]), -round(centres[u, 1], 3),
                                        round(centres[u, 0], 3), u))
        group, total = {seed}, int(households[seed])
        free.discard(seed)
        if oversize[seed]:
            groups.append(group)
            remaining -= total
            continue
        goal = min(target, remaining / max(1, math.ceil(remaining / per_grid)))
        while total < goal:
            frontier = {n for u in group for n in graph[u] if n in free}
            candidates = [n for n in frontier if total + households[n] <= target and not oversize[n]]
            if not candidates:
                break
            best = max(candidates, key=lambda n: (sum(graph[n][u]["length"] for u in graph[n] if u in group)
                                                  / max(perimeters[n], 1e-9), -n))
            group.add(best)
            free.discard(best)
            total += int(households[best])
        groups.append(group)
        remaining -= total
    return groups


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
    while True:
        owner = {u: k for k, g in enumerate(groups) for u in g}
        totals = [int(sum(households[u] for u in g)) for g in groups]
        counts = [int(sum(buildings[u] for u in g)) for g in groups]
        heavy = [any(oversize[u] for u in g) for g in groups]
        pairs = set()
        for i, j in graph.edges:
            a, b = sorted((owner[i], owner[j]))
            if a == b:
                continue
            # An oversize building's grid takes in only empty land.
            if (heavy[a] and counts[b]) or (heavy[b] and counts[a]):
                continue
            if totals[a] + totals[b] <= target or heavy[a] or heavy[b]:
                pairs.add((totals[a] + totals[b], a, b))
        if not pairs:
            return groups
        _, a, b = min(pairs)
        groups[a] |= groups[b]
        del groups[b]
