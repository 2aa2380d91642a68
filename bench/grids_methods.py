"""Measured comparisons behind two choices of the grid generator (used by ``bench/grids.py``).

1. ``momepy`` against our own code on the same input: road blocks
   (``spatial.cutlines.road_blocks``, polygonize) against
   ``momepy.enclosures``; building plots (``spatial.plots.block_plots``,
   Voronoi of points along footprints) against
   ``momepy.enclosed_tessellation`` on the blocks above the cap. Time,
   counts, and whether the result tiles the block exactly with every
   footprint whole in its own cell (what the generator needs).
2. On input without roads: grids from plots grouped by households
   (``method="blocks"``) against recursive bisection (``method="bisection"``):
   time, grids, households CV and Polsby–Popper.

Everything in metres. Not a test.
"""

import time

import numpy as np
import shapely

TARGET_HOUSEHOLDS = 200
# Footprints sticking out of a cell by less than this share of their area count as whole (rounding noise).
_WHOLE_SHARE = 1e-6


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


# -- momepy against ours ---------------------------------------------------------------------------

def compare_enclosures(boundary_m, lines_m, min_width_m: float = 10.0) -> list[dict]:
    """Our road blocks and momepy's enclosures of one community, with how much of the area they agree on."""
    import geopandas as gpd
    import momepy

    from spatial.cutlines import road_blocks

    ours, wall, cpu = timed(lambda: road_blocks(boundary_m, lines_m, min_width_m))
    raw, raw_wall, raw_cpu = timed(lambda: road_blocks(boundary_m, lines_m, 0.0))
    theirs, m_wall, m_cpu = timed(lambda: momepy.enclosures(gpd.GeoSeries(list(lines_m)),
                                                            limit=gpd.GeoSeries([boundary_m])))
    momepy_faces = np.asarray(theirs.geometry.values, dtype=object)
    rows = []
    for name, faces, w, c in (("ours (polygonize, thin merged)", np.asarray(ours, dtype=object), wall, cpu),
                              ("ours (polygonize, no merge)", np.asarray(raw, dtype=object), raw_wall, raw_cpu),
                              ("momepy.enclosures", momepy_faces, m_wall, m_cpu)):
        rows.append({"name": name, "wall_s": w, "cpu_s": c, "count": len(faces),
                     "area_share": float(shapely.area(faces).sum() / boundary_m.area),
                     "same_as_momepy": _same_faces(faces, momepy_faces, boundary_m.area)})
    return rows


def _same_faces(faces, reference, total_m2: float) -> float:
    """Share of the area in faces that match one reference face (IoU above 0.99)."""
    tree = shapely.STRtree(reference)
    left, right = tree.query(faces, predicate="intersects")
    inter = shapely.area(shapely.intersection(faces[left], reference[right]))
    union = shapely.area(faces[left]) + shapely.area(reference[right]) - inter
    matched = np.unique(left[inter / np.maximum(union, 1e-12) > 0.99])
    return float(shapely.area(faces[matched]).sum() / total_m2)


def compare_tessellation(blocks, claims_per_block) -> list[dict]:
    """Our plots and momepy's enclosed tessellation on the same blocks and footprints.

    ``claims_per_block``: for each block, the footprints (or small squares
    of point buildings) inside it, overlapping ones already joined.
    """
    import geopandas as gpd
    import momepy

    from spatial.plots import block_plots

    def ours():
        return [block_plots(block, claims) for block, claims in zip(blocks, claims_per_block)]

    def theirs():
        enclosures = gpd.GeoDataFrame(geometry=list(blocks))
        claims = np.concatenate(claims_per_block)
        # shrink=0: point buildings are squares of a fraction of a metre, the default 0.4 m would erase them.
        return momepy.enclosed_tessellation(gpd.GeoSeries(list(claims)), enclosures, shrink=0.0, n_jobs=1)

    plots, wall, cpu = timed(ours)
    cells, m_wall, m_cpu = timed(theirs)
    rows = []
    ours_cells = [p for block_plots_ in plots if block_plots_ is not None for p in block_plots_]
    failed = sum(p is None for p in plots)
    flat_claims = np.concatenate(claims_per_block)
    ours_claims = np.concatenate([c for c, p in zip(claims_per_block, plots) if p is not None] or [np.zeros(0)])
    rows.append({"name": "ours (block_plots)", "wall_s": wall, "cpu_s": cpu,
                 **_tessellation_figures(blocks, ours_cells, ours_claims, failed,
                                         per_claim=np.asarray(ours_cells, dtype=object))})
    building_cells = cells[cells.index >= 0].sort_index()
    theirs_cells = np.full(len(flat_claims), None, dtype=object)
    theirs_cells[building_cells.index.to_numpy()] = building_cells.geometry.values
    rows.append({"name": "momepy.enclosed_tessellation", "wall_s": m_wall, "cpu_s": m_cpu,
                 **_tessellation_figures(blocks, list(cells.geometry.values), flat_claims, 0,
                                         per_claim=theirs_cells)})
    return rows


def _tessellation_figures(blocks, cells, claims, failed_blocks: int, per_claim) -> dict:
    """Cells, their tiling of the blocks (gap and overlap, m²), footprints not whole in their own cell.

    ``per_claim``: the cell of each claim, None where it has none.
    """
    cells = np.asarray([c for c in cells if c is not None and not c.is_empty], dtype=object)
    union = shapely.union_all(cells)
    covered = shapely.union_all(np.asarray(blocks, dtype=object))
    gap = shapely.area(shapely.difference(covered, union))
    overlap = float(shapely.area(cells).sum() - shapely.area(union))
    present = np.asarray([c is not None for c in per_claim], dtype=bool)
    outside = np.zeros(len(claims))
    if present.any():
        outside[present] = shapely.area(shapely.difference(claims[present], list(per_claim[present])))
    broken = int((~present).sum() + (outside > _WHOLE_SHARE * shapely.area(claims)).sum())
    return {"cells": len(cells), "multipart": int((shapely.get_num_geometries(cells) > 1).sum()),
            "gap_m2": float(gap), "overlap_m2": overlap, "claims_not_whole": broken,
            "failed_blocks": failed_blocks}


def heavy_blocks(boundary_m, buildings, lines_m, min_width_m: float = 10.0):
    """The road blocks above the cap and their footprints, as the generator tiles them into plots.

    ``buildings``: (id, geometry in metres, households). A footprint goes to
    the block holding its inner point, clipped to that block; overlapping
    footprints are joined (they share a plot).
    """
    from spatial.block_partition import overlapping_clusters
    from spatial.cutlines import road_blocks

    blocks = np.asarray(road_blocks(boundary_m, lines_m, min_width_m), dtype=object)
    geoms = np.asarray([g if g.geom_type == "Polygon" else g.buffer(0.5, cap_style="square")
                        for _, g, _ in buildings], dtype=object)
    households = np.asarray([h for _, _, h in buildings])
    block_of = np.full(len(geoms), -1)
    points, hit = shapely.STRtree(blocks).query(shapely.point_on_surface(geoms), predicate="intersects")
    block_of[points[::-1]] = hit[::-1]
    chosen, claims = [], []
    for index, block in enumerate(blocks):
        inside = np.flatnonzero(block_of == index)
        if households[inside].sum() <= TARGET_HOUSEHOLDS or len(inside) < 2:
            continue
        clipped = shapely.intersection(geoms[inside], block)
        clipped = clipped[shapely.area(clipped) > 0]
        clusters = overlapping_clusters(clipped)
        chosen.append(block)
        claims.append(np.asarray([shapely.union_all(clipped[c]) for c in clusters], dtype=object))
    return chosen, claims


def print_momepy(title: str, enclosure_rows: list[dict] | None, tessellation_rows: list[dict]) -> None:
    print(f"\n== {title}: momepy against ours")
    if enclosure_rows:
        print(f"  {'enclosures':44}{'wall s':>9}{'CPU s':>9}{'faces':>8}{'area':>9}{'same as momepy':>16}")
        for r in enclosure_rows:
            print(f"  {r['name']:44}{r['wall_s']:9.3f}{r['cpu_s']:9.3f}{r['count']:8d}{r['area_share']:9.1%}"
                  f"{r['same_as_momepy']:16.1%}")
    print(f"  {'tessellation of blocks above the cap':44}{'wall s':>9}{'CPU s':>9}{'cells':>8}{'multi':>7}"
          f"{'gap m2':>10}{'overlap m2':>12}{'not whole':>11}{'failed':>8}")
    if not tessellation_rows:
        print("  (no block above the cap: no plots needed)")
    for r in tessellation_rows:
        print(f"  {r['name']:44}{r['wall_s']:9.3f}{r['cpu_s']:9.3f}{r['cells']:8d}{r['multipart']:7d}"
              f"{r['gap_m2']:10.3f}{r['overlap_m2']:12.3f}{r['claims_not_whole']:11d}{r['failed_blocks']:8d}")


# -- plots against bisection where there are no roads ----------------------------------------------

def compare_roadless(communities) -> list[dict]:
    """Both methods over communities given as (boundary_m, [BuildingInput]) with no roads."""
    from spatial.grid_quality import household_stats, polsby_popper
    from spatial.partition import partition_community

    rows = []
    for method in ("bisection", "blocks"):
        results, wall, cpu = timed(lambda method=method: [
            partition_community(b, bl, target_households=TARGET_HOUSEHOLDS, method=method) for b, bl in communities])
        grids = [g for r in results for g in r.grids]
        stats = household_stats(g.households for g in grids)
        rows.append({"name": method, "wall_s": wall, "cpu_s": cpu, "grids": len(grids), **stats,
                     "pp": float(np.median([polsby_popper(g.polygon) for g in grids]))})
    return rows


def print_roadless(title: str, rows: list[dict]) -> None:
    print(f"\n== {title}: plots grouped by households (blocks) against bisection")
    print(f"  {'method':12}{'wall s':>9}{'CPU s':>9}{'grids':>8}{'hh min/median/max':>20}{'CV':>8}{'PP median':>11}")
    for r in rows:
        spread = f"{r['min']:.0f}/{r['median']:.0f}/{r['max']:.0f}"
        print(f"  {r['name']:12}{r['wall_s']:9.2f}{r['cpu_s']:9.2f}{r['grids']:8d}{spread:>20}{r['cv']:8.3f}"
              f"{r['pp']:11.3f}")
