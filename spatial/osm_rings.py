"""Polygons from OSM member ways: complete rings, and rings cut at an extract's edge.

Pure shapely; coordinates are WGS84 (lng, lat) degrees throughout. The
reader (``spatial.osm_reader``) hands over each member way as the runs of its
nodes present in the extract, so a way cut at the edge arrives as one or more
open lines.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.ops import linemerge, nearest_points, polygonize, unary_union


class RingError(ValueError):
    """The member ways do not make an area; the message says why."""


def rings_to_multipolygon(
    outer_lines: Sequence[LineString], inner_lines: Sequence[LineString]
) -> MultiPolygon:
    """The area of a complete multipolygon or boundary relation; see ``assemble_rings``."""
    return assemble_rings(outer_lines, inner_lines)[0]


def assemble_rings(
    outer_lines: Sequence[LineString], inner_lines: Sequence[LineString]
) -> tuple[MultiPolygon, list[str]]:
    """The area of a complete multipolygon or boundary relation, and the rings made valid on the way.

    Parameters
    ----------
    outer_lines, inner_lines
        The member ways of role ``outer`` (or empty role) and ``inner``, in any
        order and direction (OSM keeps neither).

    Returns
    -------
    area : MultiPolygon
        Each outer ring less the inner rings inside it, made valid. An outer
        ring inside an inner one (an island in a lake, a building in a
        courtyard) stays: subtracting every inner ring from every outer one
        dropped it. An inner ring in no outer ring is subtracted from all.
    repairs : list of str
        One line per ring that was not a valid polygon as mapped (a bow-tie
        crossing itself), with GEOS's reason: such a ring is made valid,
        which may split it, and the caller reports it.

    Raises
    ------
    RingError
        If the ways do not join into closed rings, or enclose no area.
    """
    repairs: list[str] = []
    outers = _valid(_closed_rings(outer_lines, "outer"), "outer", repairs)
    inners = _valid(_closed_rings(inner_lines, "inner"), "inner", repairs) if inner_lines else []
    if not inners:
        return _as_multipolygon(unary_union(outers)), repairs
    in_no_outer = [inner for inner in inners if not any(outer.covers(inner) for outer in outers)]
    parts = []
    for outer in outers:
        holes = [inner for inner in inners if outer.covers(inner) and not inner.covers(outer)] + in_no_outer
        parts.append(outer.difference(unary_union(holes)) if holes else outer)
    return _as_multipolygon(unary_union(parts)), repairs


def _valid(rings: list[Polygon], role: str, repairs: list[str]) -> list:
    """The rings made valid, each invalid one named in ``repairs``."""
    valid = []
    for ring in rings:
        if not ring.is_valid:
            repairs.append(f"{role} ring: {shapely.is_valid_reason(ring)}; made valid")
            ring = shapely.make_valid(ring)
        valid.append(ring)
    return valid


def close_along_edge(
    lines: Sequence[LineString], extract_area: Polygon, inside_points: Sequence[Point] = ()
) -> MultiPolygon:
    """Close a boundary cut at an extract's edge along that edge.

    The remaining pieces of the boundary are clipped to the extract area, each
    open end is joined straight to the nearest point of the area's outline
    (the segment that crossed the edge is not in the extract), and the lines
    and the outline are polygonized together. The faces that make the area:

    - if there is only one face (the pieces run along the edge), that face;
    - else the faces holding one of ``inside_points`` (the relation's
      ``label`` or ``admin_centre`` node).

    Parameters
    ----------
    lines
        The pieces of the boundary present in the extract, WGS84.
    extract_area
        The area the extract was cut to (its bounds, or the bbox of its nodes).
    inside_points
        Points known to lie inside the boundary.

    Raises
    ------
    RingError
        If no face can be chosen: no piece inside the extract, or several
        faces and no point to tell the inside.
    """
    faces = _faces_along_edge(lines, extract_area)
    if len(faces) == 1:
        return _as_multipolygon(faces[0])
    chosen = [face for face in faces if any(face.covers(point) for point in inside_points)]
    if not chosen:
        raise RingError(
            f"closing it along the extract's edge gives {len(faces)} faces and no label or "
            "admin_centre node tells which are inside"
        )
    return _as_multipolygon(unary_union(chosen))


def close_cut_outline_along_edge(lines: Sequence[LineString], extract_area: Polygon) -> MultiPolygon:
    """Close a small area cut at an extract's edge (a building) along that edge: its inside part.

    As ``close_along_edge``, but the faces are told apart by size instead of
    by a label node (buildings have none): the largest face is the rest of
    the extract and is dropped, the others are the area's inside part(s). A
    single face (the pieces run along the edge) is the area itself.

    Parameters
    ----------
    lines
        The pieces of the outline present in the extract, WGS84.
    extract_area
        The area the extract was cut to.

    Raises
    ------
    RingError
        If no piece lies inside the extract.
    """
    faces = _faces_along_edge(lines, extract_area)
    if len(faces) == 1:
        return _as_multipolygon(faces[0])
    faces.remove(max(faces, key=lambda face: face.area))
    return _as_multipolygon(unary_union(faces))


def _faces_along_edge(lines: Sequence[LineString], extract_area: Polygon) -> list[Polygon]:
    """The faces of the pieces clipped to the area, each open end joined straight to the area's outline."""
    edge = extract_area.exterior
    clipped = [
        part
        for line in lines
        for part in shapely.get_parts(line.intersection(extract_area))
        if isinstance(part, LineString) and part.length > 0
    ]
    if not clipped:
        raise RingError("no part of its outline lies inside the extract")
    joins = []
    for line in shapely.get_parts(linemerge(clipped)):
        if line.is_closed:
            continue
        for end in (Point(line.coords[0]), Point(line.coords[-1])):
            if end.distance(edge) > 0:
                joins.append(LineString(nearest_points(end, edge)))
    return list(polygonize(unary_union([*clipped, *joins, edge])))


def _closed_rings(lines: Sequence[LineString], role: str) -> list[Polygon]:
    if not lines:
        raise RingError(f"no {role} ways")
    pieces = list(shapely.get_parts(linemerge(list(lines))))
    open_pieces = [piece for piece in pieces if not piece.is_closed]
    if open_pieces:
        ends = ", ".join(
            f"({piece.coords[0][0]:.7f}, {piece.coords[0][1]:.7f})" for piece in open_pieces[:3]
        )
        raise RingError(f"{role} ways do not close into rings ({len(open_pieces)} open, from {ends})")
    return [Polygon(piece) for piece in pieces]


def _as_multipolygon(geometry) -> MultiPolygon:
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    polygons = [
        polygon
        for part in shapely.get_parts(geometry)
        for polygon in (part.geoms if isinstance(part, MultiPolygon) else [part])
        if isinstance(polygon, Polygon) and polygon.area > 0
    ]
    if not polygons:
        raise RingError("the rings enclose no area")
    return MultiPolygon(polygons)
