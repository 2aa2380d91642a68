"""Building plots (spatial.plots): a block tiled into one plot per footprint."""

import json
from pathlib import Path

import numpy as np
import shapely

from spatial.plots import block_plots

CASE = Path(__file__).resolve().parents[1] / "data" / "grids" / "plots_loose_piece.geojson"


def _case():
    features = json.loads(CASE.read_text())["features"]
    block = next(shapely.geometry.shape(f["geometry"]) for f in features if f["properties"]["kind"] == "block")
    footprints = [shapely.geometry.shape(f["geometry"]) for f in features if f["properties"]["kind"] == "footprint"]
    return block, np.asarray(footprints, dtype=object)


def test_a_cell_falling_apart_is_handed_out_once():
    block, footprints = _case()
    plots = np.asarray(block_plots(block, footprints), dtype=object)
    assert len(plots) == len(footprints)
    assert all(p.geom_type == "Polygon" for p in plots)
    union = shapely.union_all(plots)
    # Plots tile the block: no overlap, no gap (up to the 1e-9 m precision grid).
    assert shapely.area(plots).sum() - union.area < 1e-6
    assert shapely.symmetric_difference(union, block).area < 1e-6
    for plot, footprint in zip(plots, footprints):
        assert footprint.difference(plot).area < 1e-6
