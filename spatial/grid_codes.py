"""Grid codes (网格编码) and the west→east, north→south sequence numbering.

A unit grid code is the 12-digit community code (6 county + 3 street +
3 community) followed by the grid's sequence within the community:
2 digits in the CJ/T 213 style (14 digits in all), 3 digits in Beijing's
DB11/T 2157-2023 (15 digits). Sequence 0 ("00") means "community not
subdivided" in CJ/T 213, so partitioned grids are numbered from 1.

Numbering, as DB11/T 2157 asks (west→east, north→south): grids are put in
rows from north to south, and numbered west to east within a row. A grid's
position is its representative point (``point_on_surface``, always inside the
grid, unlike a centroid of a U shape). Rows are horizontal bands of height
``row_height_m`` counted down from the northernmost representative point; the
default height is the side of a square of the mean grid area, so grids of a
regular layout fall one row per band. Ties (same band, same x) go north
first, then by the polygon's bounds, so the order never depends on the input
order of equal-looking grids.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon

_COMMUNITY_CODE = re.compile(r"^\d{12}$")


def grid_code(community_code: str, sequence: int, digits: int = 2) -> str:
    """Build a grid code from a community code and a grid sequence.

    Parameters
    ----------
    community_code
        The 12-digit administrative code of the community, e.g.
        ``"440104001007"`` (越秀区 洪桥街道 三眼井社区).
    sequence
        The grid's sequence within the community, 1-based (0 only for a
        community that is not subdivided).
    digits
        Width of the sequence: 2 for CJ/T 213 (14-digit code), 3 for
        DB11/T 2157 (15-digit code).

    Returns
    -------
    str
        ``community_code`` followed by ``sequence`` zero-padded to ``digits``.

    Raises
    ------
    ValueError
        If the community code is not 12 digits, or the sequence does not fit
        in ``digits`` digits (a community with more grids than that needs a
        longer sequence, e.g. ``digits=3``).
    """
    if not _COMMUNITY_CODE.match(community_code):
        raise ValueError(f"community code {community_code!r} is not 12 digits")
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits}")
    largest = 10**digits - 1
    if not 0 <= sequence <= largest:
        raise ValueError(
            f"community {community_code} needs grid sequence {sequence}, but a "
            f"{digits}-digit sequence allows at most {largest} grids; "
            f"use digits={digits + 1} (e.g. the 15-digit DB11/T 2157 form)"
        )
    return f"{community_code}{sequence:0{digits}d}"


def grid_codes(community_code: str, grid_count: int, digits: int = 2) -> list[str]:
    """Codes for sequences 1..grid_count, checking the count fits first.

    Parameters
    ----------
    community_code
        The 12-digit community code.
    grid_count
        How many grids the community has.
    digits
        Width of the sequence (2 or 3).

    Returns
    -------
    list of str
        One code per sequence, in sequence order.

    Raises
    ------
    ValueError
        As :func:`grid_code`, naming the community and its grid count when
        the count does not fit in ``digits`` digits.
    """
    if grid_count > 10**digits - 1:
        raise ValueError(
            f"community {community_code} has {grid_count} grids, more than the "
            f"{10**digits - 1} a {digits}-digit sequence allows; use "
            f"digits={digits + 1}"
        )
    return [grid_code(community_code, seq, digits) for seq in range(1, grid_count + 1)]


def sequence_numbers(
    polygons: Sequence[Polygon], row_height_m: float | None = None
) -> list[int]:
    """Number grids west→east within rows, rows north→south.

    Parameters
    ----------
    polygons
        The grids of one community, in a metric CRS with y pointing north
        (metres).
    row_height_m
        Height of a row band in metres; by default the side of a square of
        the mean grid area.

    Returns
    -------
    list of int
        The 1-based sequence of each polygon, in the input order.
    """
    if not polygons:
        return []
    geoms = np.asarray(polygons, dtype=object)
    points = shapely.get_coordinates(shapely.point_on_surface(geoms))
    if row_height_m is None:
        row_height_m = math.sqrt(float(shapely.area(geoms).sum()) / len(geoms))
    row_height_m = max(row_height_m, 1e-9)
    rows = np.floor((points[:, 1].max() - points[:, 1]) / row_height_m)
    bounds = shapely.bounds(geoms)
    # np.lexsort sorts by the last key first: row, then x, then north first,
    # then bounds for exact ties.
    order = np.lexsort(
        (bounds[:, 3], bounds[:, 2], bounds[:, 1], bounds[:, 0], -points[:, 1], points[:, 0], rows)
    )
    sequences = np.empty(len(geoms), dtype=int)
    sequences[order] = np.arange(1, len(geoms) + 1)
    return sequences.tolist()
