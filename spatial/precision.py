"""The fixed precision grid every overlay of the partitioner snaps to.

Two grids that share an edge must share its vertices exactly. Floating-point
overlays do not guarantee that: ``intersection(P, H)`` and ``P - piece`` can
put the same cut vertex 1e-14 m apart, and GEOS predicates on such
near-coincident edges can then misjudge a whole polygon as overlapping its
neighbour. With a fixed grid, OverlayNG snap-rounds every result: all
vertices lie on the grid and an edge passing within half a cell of a vertex
is noded through it, so neighbours share vertices exactly.

1e-9 m is far above the floating-point error of coordinates of a few
kilometres (~1e-13 m) and far below anything a map shows; rounding a
community outline to it changes its area by ~1e-12 of itself.
"""

GRID_SIZE_M = 1e-9
