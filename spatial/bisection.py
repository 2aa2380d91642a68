"""Recursive weighted bisection of one community part into grids.

A region with ``E`` households needs ``n = ceil(E / T)`` grids. It is split
into two sides planned for ``n_a`` and ``n - n_a`` grids; each side is then
planned afresh for ``ceil(E_side / T)`` grids and split again, until every
region needs one grid. A split is *feasible* when the buildings of each side
can be packed into its planned grids by further straight cuts, which
:mod:`spatial.packing` searches on the reference points alone. If no
feasible split exists (households rarely pack exactly: 2,000 households in
10 grids needs every grid at exactly 200), the region is planned for one
grid more and tried again. Finally neighbouring grids whose households
together fit under ``T`` are merged.

Each split is chosen among proposals, cheapest to judge first:

1. Road-block splits: the region's road blocks ordered along each of its two
   axes; every prefix/rest grouping is a proposal.
2. Road-line cuts: a straight cut on the line of a road segment crossing the
   region (roads that bound no block, such as dead ends, still count).
   A feasible road proposal whose households per grid are within
   ``_ROAD_SLACK`` of the mean wins over any other cut, so grid edges follow
   roads where the households allow it.
3. Planned cuts: the first cut of a packing found by :mod:`spatial.packing`
   (straight cuts in eight directions between two buildings) and the next
   candidate cuts of the search, ``_PLANNED_TRIES`` in all; a candidate
   counts only if its sides pack too (checked when it is evaluated).
4. Straight cuts across the long axis of the region's minimum rotated
   rectangle (and the short axis too unless the region is elongated), at
   the household quantile between two buildings. Within the gap between
   those buildings' footprints the cut goes where the region's extent is
   shared as the households are, so no footprint is crossed and sparse
   areas are shared fairly.
5. If none of those gives a valid split, cuts at 45° steps and other
   positions.

A cut through a non-convex region can leave more than two pieces; pieces are
regrouped into two connected sides by growing each side from its heaviest
piece across shared edges. Buildings are then made whole: a building keeps
the side its reference point falls on (ties on the cut go to the first side,
deterministically), and its *claim* (footprint clipped to the community, or a
square of up to 0.2 m around a point, so the point lies inside exactly one
grid) is moved to that side: ``side_a = (piece_a ∪ claims_a) − claims_b``,
``side_b = region − side_a`` (a straight cut in the gaps between
footprints moves none). A proposal is valid only if both sides are
single polygons holding every claim of their buildings, at least one
building each, and are not slivers (unless the region itself is thin).
Among valid proposals the lowest score wins: households-per-grid imbalance
plus a compactness penalty (Polsby–Popper). If no valid proposal keeps the
cap, a thin grid is accepted rather than one above the cap.

Every overlay snaps to the precision grid of :mod:`spatial.precision`. A
straight cut that crosses the region's shell twice, away from every vertex
(nearly all of them), needs no overlay: :mod:`spatial.line_split` makes it
exactly, its two new vertices on the same grid.
Everything is in metres; the order of every choice is fixed by sorting on
coordinates and indices, so the result is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import islice

import numpy as np
import shapely
from shapely.geometry import Polygon

from spatial.grid_quality import holds_whole, is_sliver, polsby_popper, slivers
from spatial.line_split import claims_on_their_side, split_by_line
from spatial.packing import Packer
from spatial.precision import GRID_SIZE_M, polygonal
from spatial.straight_cuts import balance, cut_measures, cut_offsets, ring_arrays

# Half the side of the square a point building claims: small enough to be
# invisible on a map, large enough to be far above floating-point noise.
POINT_CLAIM_HALF_M = 0.1

# Pieces below this area are floating-point debris of an overlay, not land.
_DEBRIS_AREA_M2 = 1e-6

# How far (as a fraction of the mean households per grid) the households per
# grid of a road split's sides may be from the mean and still win over a
# balanced straight cut.
_ROAD_SLACK = 0.15

# Weight of compactness against household imbalance in a proposal's score;
# 0.5 trades 10% more households per grid for 0.2 of Polsby–Popper.
_SHAPE_WEIGHT = 0.5

# Aspect ratio (long / short side) above which only cuts across the long
# side are tried first.
_ELONGATED_ASPECT = 1.5

# Proposals per pass. Proposals are ranked by a measure needing no overlay
# and only the best are evaluated, so more planned candidates cost little:
# four give Polsby-Popper median 0.66 and CV 0.054 on the Yuexiu demo, two
# verified ones gave 0.63 and 0.059 (same 2,119 grids, about the same CPU).
_ROAD_TRIES = 3
_PLANNED_TRIES = 4
_STRAIGHT_TRIES_PER_AXIS = 1
_FALLBACK_TRIES = 12


@dataclass(frozen=True)
class BuildingArrays:
    """The buildings of one community as arrays, metres.

    Attributes
    ----------
    ref_xy
        (N, 2) reference point of each building: the point itself, or a point
        on the surface of the footprint within the community.
        Buildings of one stack (:mod:`spatial.stacking`) share one point, so
        no cut parts them.
    weight
        Households each building counts for when splitting: a stack's first
        building carries ``min(H, T)`` for the stack's ``H`` households and
        the others 0, so a building or stack above the target fills exactly
        one grid.
    claims
        The area each building must keep whole in its grid: footprint within
        the community, or a small square around a point.
    stack
        The stack of each building (:func:`spatial.stacking.stack_labels`).
    """

    ref_xy: np.ndarray
    weight: np.ndarray
    claims: np.ndarray
    stack: np.ndarray


@dataclass(frozen=True)
class Leaf:
    """One finished grid: its polygon and the indices of its buildings."""

    polygon: Polygon
    members: np.ndarray


@dataclass(frozen=True)
class _Region:
    polygon: Polygon
    members: np.ndarray
    blocks: tuple[Polygon, ...]
    grid_count: int
    households: float  # what the members count for (weights)

    # Asked for by every proposal of the region's splits: measured once.
    @cached_property
    def rings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return ring_arrays(self.polygon)

    @cached_property
    def exterior_xy(self) -> np.ndarray:
        coords, starts, _ = self.rings  # the shell's vertices come first
        return coords[: starts[1]]

    @cached_property
    def centroid(self) -> np.ndarray:
        return shapely.get_coordinates(shapely.centroid(self.polygon))[0]


@dataclass(frozen=True)
class _Proposal:
    """A split to try: either a group of whole blocks or a straight cut.

    ``in_a`` (which members go to side a) is built only when the proposal is
    evaluated, since most proposals never are.
    """

    sort_key: tuple[bool, float]
    grid_plans: tuple[int, ...]  # how many grids side a may be planned for
    blocks_a: np.ndarray | None  # road split: the blocks of side a
    cut: tuple[np.ndarray, np.ndarray, float] | None  # straight cut: origin, axis, offset
    members_a: tuple[np.ndarray, int]  # positions in a member ordering, and how many go to a

    def in_a(self, member_count: int) -> np.ndarray:
        order, count = self.members_a
        mask = np.zeros(member_count, dtype=bool)
        mask[order[:count]] = True
        return mask


@dataclass(frozen=True)
class _Split:
    score: float
    side_a: Polygon
    side_b: Polygon
    in_a: np.ndarray


def bisect_part(
    part: Polygon,
    members: np.ndarray,
    blocks: list[Polygon],
    buildings: BuildingArrays,
    target_households: int,
    min_width_m: float,
    road_segments: np.ndarray | None = None,
) -> list[Leaf]:
    """Split one connected community part into grids.

    Parameters
    ----------
    part
        The community part, metres.
    members
        Indices into ``buildings`` of the buildings in this part.
    blocks
        Road blocks tiling ``part`` (``[part]`` when there are no roads).
    buildings
        All buildings of the community.
    target_households
        The cap ``T`` on households per grid.
    min_width_m
        No grid narrower than this unless the part itself is.

    Returns
    -------
    list of Leaf
        The grids, tiling ``part``.
    """
    splitter = _Splitter(buildings, target_households, min_width_m, road_segments)
    households = float(buildings.weight[members].sum())
    grid_count = max(1, math.ceil(households / target_households))
    pending = [_Region(part, np.sort(members), tuple(blocks), grid_count, households)]
    leaves: list[Leaf] = []
    while pending:
        region = pending.pop()
        split = None
        if region.grid_count > 1 and region.members.size > 1:
            split = splitter.split(region)
        if split is None:
            leaves.append(Leaf(region.polygon, region.members))
        else:
            pending.extend(splitter.children(region, split)[::-1])
    return merge_light_neighbours(leaves, buildings.weight, target_households)


def merge_light_neighbours(leaves: list[Leaf], weight: np.ndarray, target_households: int) -> list[Leaf]:
    """Merge neighbouring grids whose households together stay within the target.

    Bisection plans one more grid wherever households cannot be packed into
    the planned count, and such a plan can end up over-split (two light
    grids side by side). The lightest mergeable pair sharing an edge is
    merged first, until no pair fits under ``target_households``.
    """
    leaves = list(leaves)
    while len(leaves) > 1:
        households = np.array([weight[leaf.members].sum() for leaf in leaves])
        polygons = np.asarray([leaf.polygon for leaf in leaves], dtype=object)
        left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
        # Only a light pair can merge: the shared edges of the rest are never measured.
        light = (left < right) & (households[left] + households[right] <= target_households)
        left, right = left[light], right[light]
        shared = _shared_lengths(polygons[left], polygons[right])
        pairs = [(households[i] + households[j], int(i), int(j)) for i, j in zip(left[shared > 0], right[shared > 0])]
        for _, i, j in sorted(pairs):
            merged = _single_polygon(shapely.union(polygons[i], polygons[j], grid_size=GRID_SIZE_M))
            if merged is not None:
                members = np.sort(np.concatenate([leaves[i].members, leaves[j].members]))
                leaves = [leaf for k, leaf in enumerate(leaves) if k not in (i, j)] + [Leaf(merged, members)]
                break
        else:
            return leaves
    return leaves


class _Splitter:
    def __init__(
        self, buildings: BuildingArrays, target_households: int, min_width_m: float, road_segments: np.ndarray | None
    ):
        self.road_segments = np.zeros((0, 2, 2)) if road_segments is None else road_segments
        self.buildings = buildings
        self.target = target_households
        self.packer = Packer(buildings.ref_xy, buildings.weight, target_households)
        # The vertices of every claim, read once: building i's are claim_xy[claim_starts[i]:claim_starts[i + 1]].
        self.claim_xy, owner = shapely.get_coordinates(buildings.claims, return_index=True)
        self.claim_starts = np.searchsorted(owner, np.arange(len(buildings.claims) + 1))
        self.min_width_m = min_width_m

    def split(self, region: _Region) -> _Split | None:
        """The best split of a region, planning one more grid if none is feasible."""
        check_slivers = not is_sliver(region.polygon, self.min_width_m)
        while region.grid_count <= region.members.size:
            split = self._best_split(region, feasible_only=True, check_slivers=check_slivers)
            if split is not None:
                return split
            # Households rarely pack exactly (2,000 in 10 grids of 200 needs
            # every grid at exactly 200); one grid more gives the slack.
            region = replace(region, grid_count=region.grid_count + 1)
        # Last resort: a thin grid beats one above the cap.
        return self._best_split(region, feasible_only=False, check_slivers=False)

    def _best_split(self, region: _Region, feasible_only: bool, check_slivers: bool) -> _Split | None:
        # The region's axes, measured only when a pass needs them (planned cuts usually win first).
        measured: list = []

        def axes() -> list[np.ndarray]:
            if not measured:
                measured.extend(_principal_axes(region.polygon))
            return measured[0]

        def straight_axes() -> list[np.ndarray]:
            # A cut across a clearly elongated region is the compact one; the
            # other axis is left to the fallback.
            long_short = axes()
            return long_short[:1] if measured[1] >= _ELONGATED_ASPECT else long_short

        passes = [
            (lambda: sorted(self._road_proposals(region, axes) + self._road_line_proposals(region),
                            key=lambda p: p.sort_key), _ROAD_TRIES),
            (lambda: self._planned_proposals(region), None),
            (lambda: self._straight_proposals(region, straight_axes(), _STRAIGHT_TRIES_PER_AXIS), None),
            (lambda: self._straight_proposals(region, axes() + [_unit(math.radians(a)) for a in (0, 45, 90, 135)],
                                              None), _FALLBACK_TRIES),
        ]
        for make_proposals, limit in passes:
            proposals = [p for p in make_proposals() if not (feasible_only and p.sort_key[0])]
            proposals = list(islice(proposals, limit))
            # A full evaluation costs the sides' geometry (an exact cut or
            # snap-rounded overlays) and the checks; proposals are ranked by
            # their score measured without them, and the first that passes
            # the full evaluation wins.
            ranked = np.argsort(self._estimates(region, proposals), kind="stable") if len(proposals) > 1 else [0] * len(proposals)
            for index in ranked:
                split = self._evaluate(region, proposals[index], feasible_only, check_slivers)
                if split is not None:
                    return split
        return None

    def _estimates(self, region: _Region, proposals: list[_Proposal]) -> np.ndarray:
        """Each proposal's score on its raw sides (no claims moved, no packing checked).

        A straight cut's sides are measured without an overlay
        (:func:`spatial.straight_cuts.cut_measures`); a group of blocks by a plain overlay.
        """
        scores = np.full(len(proposals), np.inf)
        if not proposals:
            return scores
        weights = self.buildings.weight[region.members]
        polygon = region.polygon
        measures = np.zeros((len(proposals), 4))
        cuts = [index for index, p in enumerate(proposals) if p.blocks_a is None]
        if cuts:
            origins, axes, offsets = (np.array(v, dtype=float) for v in zip(*(proposals[i].cut for i in cuts)))
            measures[cuts] = cut_measures(*region.rings, origins + axes * offsets[:, np.newaxis], axes)
        for index, proposal in enumerate(proposals):
            if proposal.blocks_a is not None:
                side_a = shapely.union_all(proposal.blocks_a)
                side_b = shapely.difference(polygon, side_a)
                measures[index] = (side_a.area, side_a.length, side_b.area, side_b.length)
        # One balance per set of plans (the arrays are small: the cost is per call).
        weight_a = np.array([weights[order[:count]].sum() for order, count in (p.members_a for p in proposals)])
        plans = [p.grid_plans for p in proposals]
        imbalance = np.zeros(len(proposals))
        for plan in set(plans):
            indices = [index for index, other in enumerate(plans) if other == plan]
            imbalance[indices] = self._balance(region, weight_a[indices], plan)[1]
        real = np.minimum(measures[:, 0], measures[:, 2]) > _DEBRIS_AREA_M2
        # Sides with area have length: no division by zero (and no np.errstate, whose cost is per call).
        area_a, length_a, area_b, length_b = measures[real].T
        compactness = 2.0 * np.pi * (area_a / length_a**2 + area_b / length_b**2)  # mean Polsby-Popper
        scores[real] = imbalance[real] + _SHAPE_WEIGHT * (1.0 - compactness)
        return scores

    # -- proposals ---------------------------------------------------------

    def _road_proposals(self, region: _Region, axes) -> list[_Proposal]:
        """Groupings of whole road blocks; ``axes()`` gives the directions to order blocks along."""
        if len(region.blocks) < 2:
            return []
        blocks = np.asarray(region.blocks, dtype=object)
        block_of = _block_of(self.buildings.ref_xy[region.members], blocks)
        weights = self.buildings.weight[region.members]
        block_weight = np.bincount(block_of, weights=weights, minlength=len(blocks))
        centres = shapely.get_coordinates(shapely.point_on_surface(blocks))
        proposals = []
        seen: set[bytes] = set()
        # A road split may give side a any share of the grids: the sides are
        # split again, so only the households per grid must stay level.
        plans = tuple(range(1, region.grid_count))
        for axis in axes():
            order = np.lexsort((np.arange(len(blocks)), centres @ axis))
            infeasible, imbalance = self._balance(region, np.cumsum(block_weight[order])[:-1], plans)
            for k in np.flatnonzero(~infeasible & (imbalance <= _ROAD_SLACK)) + 1:
                chosen = np.zeros(len(blocks), dtype=bool)
                chosen[order[:k]] = True
                if chosen.tobytes() in seen or (~chosen).tobytes() in seen:
                    continue
                seen.add(chosen.tobytes())
                members_a = np.flatnonzero(chosen[block_of])
                key = (False, float(imbalance[k - 1]))
                proposals.append(_Proposal(key, plans, blocks[chosen], None, (members_a, members_a.size)))
        proposals.sort(key=lambda p: p.sort_key)
        return proposals

    def _road_line_proposals(self, region: _Region) -> list[_Proposal]:
        """Straight cuts along road segments that cross the region.

        Roads that bound no block (dead ends, roads leaving the community)
        still make good grid edges: a cut on the line of one of their
        segments runs along the road where it matters.
        """
        segments = self.road_segments
        if segments.size == 0:
            return []
        starts, ends = segments[:, 0], segments[:, 1]
        lines = shapely.linestrings(segments)
        shapely.prepare(region.polygon)
        inside = shapely.intersects(region.polygon, lines) & (
            np.hypot(*(ends - starts).T) >= 2.0 * self.min_width_m
        )
        members = region.members
        ref_xy = self.buildings.ref_xy[members]
        weights = self.buildings.weight[members]
        plans = tuple(range(1, region.grid_count))
        proposals = []
        for start, end in zip(starts[inside], ends[inside]):
            direction = (end - start) / np.hypot(*(end - start))
            normal = np.array([-direction[1], direction[0]])
            along = (ref_xy - start) @ normal
            in_a = along <= 0.0
            infeasible, imbalance = self._balance(region, np.array([weights[in_a].sum()]), plans)
            if infeasible[0] or imbalance[0] > _ROAD_SLACK or in_a.all() or not in_a.any():
                continue
            members_a = np.flatnonzero(in_a)
            proposals.append(_Proposal((False, float(imbalance[0])), plans, None, (start, normal, 0.0), (members_a, members_a.size)))
        proposals.sort(key=lambda p: p.sort_key)
        return proposals

    def _straight_proposals(
        self, region: _Region, axes: list[np.ndarray], per_axis: int | None
    ) -> list[_Proposal]:
        members = region.members
        ref_xy = self.buildings.ref_xy[members]
        origin = region.centroid
        proposals = []
        # Any share of the grids may go to either side: halves are not always
        # feasible when buildings are large, and the cut lands where the
        # households say, so the sides stay in proportion.
        plans = tuple(range(1, region.grid_count))
        for axis in axes:
            along = (ref_xy - origin) @ axis
            order = np.lexsort((members, along))
            prefix = np.cumsum(self.buildings.weight[members][order])[:-1]
            infeasible, imbalance = self._balance(region, prefix, plans)
            offsets = self._cut_offsets(region, origin, axis[np.newaxis], order[np.newaxis])[0]
            sorted_xy = ref_xy[order]
            # Two buildings on the very same point cannot be told apart by a cut.
            splittable = np.flatnonzero(np.any(sorted_xy[1:] != sorted_xy[:-1], axis=1))
            ranked = splittable[np.lexsort((splittable, imbalance[splittable], infeasible[splittable]))]
            for position in ranked[:per_axis]:
                key = (bool(infeasible[position]), float(imbalance[position]))
                cut = (origin, axis, float(offsets[position]))
                proposals.append(_Proposal(key, plans, None, cut, (order, int(position) + 1)))
        proposals.sort(key=lambda p: p.sort_key)
        return proposals

    def _planned_proposals(self, region: _Region) -> list[_Proposal]:
        """First cuts of packings of the region's buildings into its planned grids (see :mod:`spatial.packing`)."""
        origin = region.centroid
        cuts = self.packer.candidate_cuts(region.members, region.grid_count, _PLANNED_TRIES)
        if not cuts:
            return []
        orders, ks, plans, directions = zip(*cuts)
        axes = self.packer.directions[list(directions)]
        offsets = self._cut_offsets(region, origin, axes, np.stack(orders))[np.arange(len(cuts)), np.array(ks) - 1]
        return [_Proposal((False, 0.0), (n_a,), None, (origin, axis, float(offset)), (order, k))
                for order, k, n_a, axis, offset in zip(orders, ks, plans, axes, offsets)]

    def _cut_offsets(self, region: _Region, origin: np.ndarray, axes: np.ndarray, orders: np.ndarray) -> np.ndarray:
        """Where to cut between consecutive buildings of ``orders`` (k, m) along ``axes`` (k, 2): (k, m - 1), metres from ``origin``.

        See :func:`spatial.straight_cuts.cut_offsets`.
        """
        return cut_offsets(self.buildings.ref_xy, self.buildings.weight, self.claim_xy, self.claim_starts,
                           region.members, region.exterior_xy, origin, axes, orders)

    def _balance(
        self, region: _Region, weight_a: np.ndarray, plans: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Whether giving side a ``weight_a`` households is infeasible, and its imbalance (:func:`spatial.straight_cuts.balance`)."""
        return balance(np.asarray(weight_a, dtype=float), np.asarray(plans, dtype=np.int64), region.grid_count,
                       region.households, float(self.target))

    # -- evaluation --------------------------------------------------------

    def _evaluate(
        self, region: _Region, proposal: _Proposal, feasible_only: bool, check_slivers: bool
    ) -> _Split | None:
        polygon = region.polygon
        in_a = proposal.in_a(region.members.size)
        # Packing needs no geometry: a proposal whose sides do not pack costs no overlay.
        if feasible_only and not self._sides_pack(region, in_a, proposal.grid_plans):
            return None
        planned_in_a = in_a
        pieces = None
        if proposal.cut is not None:
            # Most cuts cross the shell twice, away from every vertex: cut exactly, no overlay.
            origin, axis, offset = proposal.cut
            on_cut = origin + axis * offset
            coords, starts, _ = region.rings
            pieces = split_by_line(coords, starts, on_cut, axis)
        if pieces is None:
            piece_a = self._overlay_side_a(region, proposal)
            if piece_a is None:
                return None
            piece_b = shapely.difference(polygon, piece_a, grid_size=GRID_SIZE_M)
        else:
            piece_a, piece_b = pieces
        if _single_polygon(piece_a) is None or _single_polygon(piece_b) is None:
            regrouped = self._regroup(region, piece_a, piece_b)
            if regrouped is None:
                return None
            piece_a, in_a = regrouped
            piece_b = pieces = None
        if not in_a.any() or in_a.all():
            return None
        # A cut in the gaps between footprints moves no claim: settling would only confirm it, by overlays.
        if pieces is not None and claims_on_their_side(self.claim_xy, self.claim_starts, region.members, in_a,
                                                       on_cut, axis):
            settled_a = piece_a
        else:
            settled_a = self._settle(piece_a, region.members, in_a)
        side_a = _single_polygon(settled_a)
        if side_a is None:
            return None
        if settled_a is not piece_a or piece_b is None:
            piece_b = shapely.difference(polygon, side_a, grid_size=GRID_SIZE_M)
        side_b = _single_polygon(piece_b)
        if side_b is None:
            return None
        # Untouched pieces hold their buildings by construction; moved claims
        # can still fail where footprints overlap or points coincide.
        if settled_a is not piece_a and not self._holds_buildings(side_a, side_b, region.members, in_a):
            return None
        if check_slivers and slivers(np.array([side_a, side_b], dtype=object), self.min_width_m).any():
            return None
        weight_a = float(self.buildings.weight[region.members[in_a]].sum())
        imbalance = float(self._balance(region, np.array([weight_a]), proposal.grid_plans)[1][0])
        if feasible_only and in_a is not planned_in_a and not self._sides_pack(region, in_a, proposal.grid_plans):
            return None
        shape_penalty = 1.0 - (polsby_popper(side_a) + polsby_popper(side_b)) / 2.0
        return _Split(imbalance + _SHAPE_WEIGHT * shape_penalty, side_a, side_b, in_a)

    def _overlay_side_a(self, region: _Region, proposal: _Proposal):
        """Side a of a proposal by a snap-rounded overlay: its blocks' union, or the region on the cut's side a."""
        if proposal.blocks_a is not None:
            return shapely.union_all(proposal.blocks_a, grid_size=GRID_SIZE_M)
        polygon = region.polygon
        origin, axis, offset = proposal.cut
        piece_a = shapely.intersection(polygon, _half_plane(polygon, origin, axis, offset), grid_size=GRID_SIZE_M)
        # A cut along an edge of the region leaves a line, not a side.
        if piece_a.geom_type != "Polygon":
            piece_a = shapely.union_all(_polygon_parts(piece_a), grid_size=GRID_SIZE_M)
        return None if piece_a.is_empty else piece_a

    def _sides_pack(self, region: _Region, in_a: np.ndarray, plans: tuple[int, ...]) -> bool:
        """Whether, for one of the plans, both sides pack into their grids (side a ``n_a``, side b the rest)."""
        return self.packer.split_packs(region.members[in_a], region.members[~in_a], region.grid_count, plans)

    def children(self, region: _Region, split: _Split) -> tuple[_Region, _Region]:
        """The two regions of a split, each planned for the grids its households need.

        The plan that chose the split only steered it: a side needs
        ``ceil(H_side / T)`` grids, never more than planned when the split
        was feasible, and fewer when a lopsided split left it light.
        """
        return (
            self._child(region, split.side_a, region.members[split.in_a]),
            self._child(region, split.side_b, region.members[~split.in_a]),
        )

    def _child(self, region: _Region, polygon: Polygon, members: np.ndarray) -> _Region:
        households = float(self.buildings.weight[members].sum())
        grid_count = max(1, math.ceil(households / self.target))
        blocks = ()
        if len(region.blocks) > 1:
            all_blocks = np.asarray(region.blocks, dtype=object)
            shapely.prepare(polygon)
            # Only blocks the side's edge crosses need clipping.
            inside = shapely.covered_by(all_blocks, polygon)
            crossing = ~inside & shapely.intersects(polygon, all_blocks)
            clipped = shapely.get_parts(shapely.intersection(all_blocks[crossing], polygon, grid_size=GRID_SIZE_M))
            clipped = clipped[(shapely.get_type_id(clipped) == 3) & (shapely.area(clipped) > _DEBRIS_AREA_M2)]
            blocks = tuple(all_blocks[inside]) + tuple(clipped)
        return _Region(polygon, members, blocks if len(blocks) > 1 else (polygon,), grid_count, households)

    def _regroup(self, region: _Region, piece_a, piece_b) -> tuple[Polygon, np.ndarray] | None:
        """Merge the pieces of a cut into two connected sides."""
        parts_a = _polygon_parts(piece_a)
        parts_b = _polygon_parts(piece_b)
        parts = np.asarray(parts_a + parts_b, dtype=object)
        side = np.array([0] * len(parts_a) + [1] * len(parts_b))
        if len(parts_a) == 0 or len(parts_b) == 0:
            return None
        part_of = _block_of(self.buildings.ref_xy[region.members], parts)
        weights = self.buildings.weight[region.members]
        part_weight = np.bincount(part_of, weights=weights, minlength=len(parts))
        part_count = np.bincount(part_of, minlength=len(parts))
        areas = shapely.area(parts)
        group = np.full(len(parts), -1)
        for s in (0, 1):
            candidates = np.flatnonzero(side == s)
            seed = candidates[np.lexsort((candidates, -areas[candidates], -part_weight[candidates], -part_count[candidates]))[0]]
            group[seed] = s
        touching = _shared_edges(parts)
        # Grow from the seeds: each round, the heaviest unassigned piece that
        # touches a group joins it (its own side's group when it touches both).
        while (group < 0).any():
            grew = False
            for index in np.lexsort((np.arange(len(parts)), -areas, -part_weight)):
                if group[index] >= 0:
                    continue
                neighbours = {int(group[j]) for j in touching[index] if group[j] >= 0}
                if neighbours:
                    group[index] = side[index] if side[index] in neighbours else neighbours.pop()
                    grew = True
            if not grew:
                return None
        polygon_a = shapely.union_all(parts[group == 0], grid_size=GRID_SIZE_M)
        return polygon_a, group[part_of] == 0

    def _settle(self, piece_a, members: np.ndarray, in_a: np.ndarray):
        """Side a with every building's claim moved to the building's side.

        Claims lie inside the region (each split keeps them whole), so the
        result stays inside it.
        """
        claims = self.buildings.claims[members]
        piece_a = polygonal(piece_a)  # the next overlays need areas only
        shapely.prepare(piece_a)
        # Only claims reaching across the cut need an overlay.
        crossing_a = in_a & ~shapely.covered_by(claims, piece_a)
        if crossing_a.any():
            piece_a = polygonal(shapely.union(piece_a, shapely.union_all(claims[crossing_a], grid_size=GRID_SIZE_M),
                                              grid_size=GRID_SIZE_M))
        crossing_b = ~in_a & shapely.intersects(claims, piece_a)
        if crossing_b.any():
            touching_b = claims[crossing_b]
            overlaps = shapely.area(shapely.intersection(touching_b, piece_a)) > 0
            if overlaps.any():
                piece_a = shapely.difference(
                    piece_a, shapely.union_all(touching_b[overlaps], grid_size=GRID_SIZE_M), grid_size=GRID_SIZE_M
                )
        return piece_a

    def _holds_buildings(self, side_a: Polygon, side_b: Polygon, members: np.ndarray, in_a: np.ndarray) -> bool:
        claims = self.buildings.claims[members]
        refs = shapely.points(self.buildings.ref_xy[members])
        return bool(
            holds_whole(side_a, claims[in_a]).all()
            and holds_whole(side_b, claims[~in_a]).all()
            and not shapely.intersects(side_b, refs[in_a]).any()
            and not shapely.intersects(side_a, refs[~in_a]).any()
        )


def _principal_axes(polygon: Polygon) -> tuple[list[np.ndarray], float]:
    """Unit vectors along the long and the short side of the minimum rotated rectangle, and its aspect ratio."""
    corners = shapely.get_coordinates(shapely.oriented_envelope(polygon))
    if len(corners) < 4:
        return [_unit(0.0), _unit(math.pi / 2)], 1.0
    edges = sorted([corners[1] - corners[0], corners[2] - corners[1]], key=lambda e: -float(np.hypot(*e)))
    long_m, short_m = (float(np.hypot(*edge)) for edge in edges)
    if short_m == 0:
        return [edges[0] / long_m, np.array([-edges[0][1], edges[0][0]]) / long_m], math.inf
    return [edges[0] / long_m, edges[1] / short_m], long_m / short_m


def _unit(angle_rad: float) -> np.ndarray:
    return np.array([math.cos(angle_rad), math.sin(angle_rad)])


def _half_plane(polygon: Polygon, origin: np.ndarray, axis: np.ndarray, offset: float) -> Polygon:
    """The side ``(p - origin) · axis <= offset``, as a rectangle covering the polygon."""
    min_x, min_y, max_x, max_y = polygon.bounds
    reach = 2.0 * math.hypot(max_x - min_x, max_y - min_y) + 1.0
    # Plain floats: numpy's arithmetic on these few numbers, without its cost per call.
    (ax, ay), (ox, oy) = axis.tolist(), origin.tolist()
    nx, ny = -ay * reach, ax * reach
    cx, cy = ox + ax * offset, oy + ay * offset
    fx, fy = cx - ax * reach, cy - ay * reach
    # shapely.polygons on one array: Polygon(list) costs several times more, for each of thousands of cuts.
    return shapely.polygons(np.array([(cx + nx, cy + ny), (fx + nx, fy + ny), (fx - nx, fy - ny), (cx - nx, cy - ny),
                                      (cx + nx, cy + ny)]))


def _block_of(ref_xy: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Index of the first block holding each point (ties on an edge: lowest index)."""
    points = shapely.points(ref_xy)
    tree = shapely.STRtree(blocks)
    point_index, block_index = tree.query(points, predicate="intersects")
    result = np.full(len(points), len(blocks), dtype=np.int64)
    np.minimum.at(result, point_index, block_index)
    missing = np.flatnonzero(result == len(blocks))
    if missing.size:
        # Floating-point noise can leave a point a hair outside every block.
        result[missing] = tree.query_nearest(points[missing], all_matches=False)[1]
    return result


def _shared_edges(parts: np.ndarray) -> list[list[int]]:
    """For each part, the parts it shares a boundary line with (not just a point)."""
    tree = shapely.STRtree(parts)
    left, right = tree.query(parts, predicate="intersects")
    keep = left != right
    left, right = left[keep], right[keep]
    shared = _shared_lengths(parts[left], parts[right])
    touching: list[list[int]] = [[] for _ in parts]
    for i, j in zip(left[shared > 0], right[shared > 0]):
        touching[int(i)].append(int(j))
    return touching


def _shared_lengths(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Length (metres) of boundary each pair of polygons shares; 0 where they meet at points only."""
    if left.size == 0:
        return np.zeros(0)
    return shapely.length(shapely.intersection(shapely.boundary(left), shapely.boundary(right)))


def _polygon_parts(geom) -> list[Polygon]:
    if geom.geom_type == "Polygon":
        return [geom] if geom.area > _DEBRIS_AREA_M2 else []
    parts = shapely.get_parts(geom)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > _DEBRIS_AREA_M2)
    return list(parts[keep])


def _single_polygon(geom) -> Polygon | None:
    """The geometry as one Polygon, ignoring overlay debris; None if it has several real parts."""
    parts = _polygon_parts(geom)
    return parts[0] if len(parts) == 1 else None


