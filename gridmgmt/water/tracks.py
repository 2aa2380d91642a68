"""Patrol GPS tracks: jumps dropped, length and duration; pure Python, no Django.

A track is a list of ``(lng, lat, t)`` fixes in WGS84 (EPSG:4326), ``t`` in
seconds (any epoch), in the order recorded. Distances are great-circle
(haversine on a sphere of radius 6,371,008.8 m, the IUGG mean radius; under
0.5 % from the WGS84 ellipsoid at Guangzhou's latitude, enough for a patrol's
kilometres).

A fix is a GPS jump when reaching it from the last kept fix needs a speed
above :data:`MAX_PATROL_SPEED_M_S`. Patrols go on foot or by bicycle or
e-bike; China's e-bike standard GB 17761-2018 caps e-bikes at 25 km/h
(6.9 m/s), so 10 m/s (36 km/h) leaves a margin for GPS noise while a fix
hundreds of metres off for one second (the typical urban-canyon jump) is
caught.
"""

import math
from dataclasses import dataclass

from gridmgmt.numbers import json_number

MAX_PATROL_SPEED_M_S = 10.0
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class CleanTrack:
    fixes: list  # kept (lng, lat, t)
    dropped: int  # GPS jumps and fixes out of time order
    length_m: float
    duration_s: float


def clean_track(fixes: list[tuple[float, float, float]], *,
                max_speed_m_s: float = MAX_PATROL_SPEED_M_S,
                time_range_s: tuple[float, float] = (-math.inf, math.inf)) -> CleanTrack:
    """Drop jumps (implausible speed from the last kept fix) and fixes not later than it.

    Raises ValueError for a fix that is not three numbers, lies off the globe, or whose time (unix
    seconds) is outside ``time_range_s``.
    """
    kept: list[tuple[float, float, float]] = []
    dropped, length = 0, 0.0
    for index, fix in enumerate(fixes):
        # Three JSON numbers: float() also took "113.26", Arabic-Indic digits, true, and a 3-character
        # string as a fix; an integer of hundreds of digits raised OverflowError.
        values = [json_number(v) for v in fix] if isinstance(fix, (list, tuple)) and len(fix) == 3 else [None]
        if None in values:
            raise ValueError(f"fix {index}: expected [lng, lat, t] as three numbers, got {str(fix)[:80]}")
        lng, lat, t = values
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise ValueError(f"fix {index}: ({lng}, {lat}) at {t} is not a WGS84 position and time")
        if not time_range_s[0] <= t <= time_range_s[1]:
            raise ValueError(f"fix {index}: time {t:g} (unix seconds) is outside the window of "
                             f"{time_range_s[0]:.0f} to {time_range_s[1]:.0f}")
        if kept:
            last = kept[-1]
            step = haversine_m(last[0], last[1], lng, lat)
            if t <= last[2] or step / (t - last[2]) > max_speed_m_s:
                dropped += 1
                continue
            length += step
        kept.append((lng, lat, t))
    duration = kept[-1][2] - kept[0][2] if kept else 0.0
    return CleanTrack(kept, dropped, length, duration)
