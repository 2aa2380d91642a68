"""Units grouped into grids (spatial.unit_groups): the cap, contiguity and balance."""

import networkx as nx
import numpy as np

from spatial.unit_groups import group_units, grow_one_by_one, merge_light

# A 4 x 3 lattice of blocks (households per block, column by column).
HOUSEHOLDS = np.array([20, 20, 10, 20, 80, 40, 40, 40, 20, 80, 60, 10])


def _lattice():
    graph = nx.convert_node_labels_to_integers(nx.grid_2d_graph(4, 3), ordering="sorted")
    nx.set_edge_attributes(graph, 1.0, "length")
    centres = np.array([[i // 3, i % 3] for i in range(12)], dtype=float)
    return graph, centres, np.full(12, 4.0), np.zeros(12, dtype=bool), np.ones(12, dtype=int)


def _totals(groups):
    return sorted(int(HOUSEHOLDS[list(g)].sum()) for g in groups)


def test_growth_to_the_mean_alone_leaves_a_tiny_grid():
    graph, centres, perimeters, oversize, buildings = _lattice()
    groups = merge_light(graph, grow_one_by_one(graph, centres, perimeters, HOUSEHOLDS, oversize, 200),
                         HOUSEHOLDS, oversize, 200, buildings)
    assert _totals(groups) == [10, 80, 150, 200]


def test_grouping_gives_the_fewest_balanced_contiguous_grids_within_the_cap():
    graph, centres, perimeters, oversize, buildings = _lattice()
    groups = group_units(graph, centres, perimeters, HOUSEHOLDS, oversize, 200, buildings)
    totals = _totals(groups)
    assert len(groups) == 3 == int(np.ceil(HOUSEHOLDS.sum() / 200))
    assert max(totals) <= 200 and min(totals) >= 100
    assert sorted(u for g in groups for u in g) == list(range(12))
    assert all(nx.is_connected(graph.subgraph(g)) for g in groups)


def test_an_oversize_unit_stays_alone_and_a_light_group_is_dissolved_into_neighbours_with_room():
    # A path: 120 - 5 - 250 (one building above the cap) - 60.
    graph = nx.path_graph(4)
    nx.set_edge_attributes(graph, 1.0, "length")
    households = np.array([120, 5, 250, 60])
    oversize = households > 200
    groups = group_units(graph, np.array([[0, 0], [1, 0], [2, 0], [3, 0]], dtype=float), np.full(4, 4.0),
                         households, oversize, 200, np.ones(4, dtype=int))
    assert sorted(map(sorted, groups)) == [[0, 1], [2], [3]]
