"""Walking distance to the nearest facility over a street network: pure Python (networkx), no Django.

Points and segment ends are WGS84 (lng, lat); lengths are great-circle
metres (:func:`gridmgmt.water.tracks.haversine_m`). A point joins the
network at its nearest node, the straight distance to it added (the walk
from a door to the street); so does a facility. The network distance is the
shortest path (Dijkstra from all facilities at once, cut off at the limit).

The 15-minute community life circle (TD/T 1062-2021《社区生活圈规划技术指南》)
puts daily services, a community health service among them, within a
15-minute walk. At 1.2 m/s, the average walking speed of the Highway
Capacity Manual (and the usual planning assumption in China's life-circle
studies), 15 minutes is 1,080 m along the network.
"""

from dataclasses import dataclass

import networkx as nx
import numpy as np

from gridmgmt.water.tracks import haversine_m

WALK_SPEED_M_S = 1.2
WALK_MINUTES = 15
WALK_LIMIT_M = WALK_SPEED_M_S * WALK_MINUTES * 60  # 1,080 m

Coordinate = tuple[float, float]


@dataclass
class WalkNetwork:
    graph: nx.Graph  # nodes are indexes into ``nodes``; edges carry ``length_m``
    nodes: np.ndarray  # (n, 2) lng, lat


def network_from_segments(segments: list[list[Coordinate]], *, snap_decimals: int = 7) -> WalkNetwork:
    """A walkable graph from polylines; ends closer than 10**-snap_decimals degrees (1 cm) are one node.

    Every vertex is a node, so a segment crossing another only connects where
    they share a vertex (as OSM ways do at junctions).
    """
    index: dict[Coordinate, int] = {}
    graph = nx.Graph()

    def node(lng: float, lat: float) -> int:
        key = (round(lng, snap_decimals), round(lat, snap_decimals))
        if key not in index:
            index[key] = len(index)
            graph.add_node(index[key])
        return index[key]

    for line in segments:
        for (lng1, lat1), (lng2, lat2) in zip(line, line[1:], strict=False):
            a, b = node(lng1, lat1), node(lng2, lat2)
            if a != b:
                length = haversine_m(lng1, lat1, lng2, lat2)
                if not graph.has_edge(a, b) or graph[a][b]["length_m"] > length:
                    graph.add_edge(a, b, length_m=length)
    nodes = np.array(list(index), dtype=float) if index else np.zeros((0, 2))
    return WalkNetwork(graph, nodes)


def _nearest(network: WalkNetwork, points: list[Coordinate]) -> tuple[np.ndarray, np.ndarray]:
    """Nearest node of each point and the great-circle distance to it (metres)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    # Equirectangular pre-selection (cos of the latitude), exact distance after: fine within a district.
    scale = np.cos(np.radians(pts[:, 1].mean())) if len(pts) else 1.0
    nearest = np.empty(len(pts), dtype=int)
    for start in range(0, len(pts), 2048):  # bounded memory: 2,048 × nodes at a time
        chunk = pts[start:start + 2048]
        dx = (chunk[:, None, 0] - network.nodes[None, :, 0]) * scale
        dy = chunk[:, None, 1] - network.nodes[None, :, 1]
        nearest[start:start + 2048] = np.argmin(dx * dx + dy * dy, axis=1)
    gap = np.array([haversine_m(p[0], p[1], *network.nodes[n]) for p, n in zip(pts, nearest, strict=True)])
    return nearest, gap


def walking_distances_m(network: WalkNetwork, facilities: list[Coordinate], points: list[Coordinate], *,
                        limit_m: float = WALK_LIMIT_M) -> np.ndarray:
    """Walking metres from each point to its nearest facility; ``inf`` beyond ``limit_m`` or unreachable."""
    result = np.full(len(points), np.inf)
    if not points or not facilities or network.graph.number_of_nodes() == 0:
        return result
    facility_nodes, facility_gaps = _nearest(network, facilities)
    graph = network.graph.copy()
    source = -1  # a virtual node joined to each facility's node by the facility's own walk to the street
    for node, gap in zip(facility_nodes, facility_gaps, strict=True):
        if not graph.has_edge(source, node) or graph[source][node]["length_m"] > gap:
            graph.add_edge(source, int(node), length_m=float(gap))
    reach = nx.single_source_dijkstra_path_length(graph, source, cutoff=limit_m, weight="length_m")
    point_nodes, point_gaps = _nearest(network, points)
    for i, (node, gap) in enumerate(zip(point_nodes, point_gaps, strict=True)):
        total = reach.get(int(node), np.inf) + gap
        if total <= limit_m:
            result[i] = total
    return result
