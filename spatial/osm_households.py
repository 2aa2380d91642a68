"""How many households (户) an OSM building holds: the tag if mapped, else an estimate.

Grids are sized by households ("平均不超过200户"), and OSM rarely maps them, so
most counts are estimates from the footprint. The rules, in order:

1. ``building:flats`` (OSM wiki, Key:building:flats: "the number of flats in
   the building") when it is a plain non-negative integer; source ``"tag"``.
   It wins even on a non-residential building (a shop with flats above).
   ``addr:flats`` is not used: per the wiki it lists flat *numbers* of an
   address (e.g. ``"1-12"``), not a count. There is no established
   ``households`` key. Any other value (``"10-12"``, ``"~20"``) falls through.
2. Otherwise, for a dwelling building (see ``is_dwelling_building``):
   ``round(footprint_area_m2 * levels / dwelling_area_m2)``, at least 1;
   source ``"estimate"``. A building mapped as a point has no footprint and
   gets the minimum, 1.
3. Otherwise 0, source ``"estimate"``: commercial, industrial, retail,
   religious, civic, hotel and the like hold no households.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

HouseholdsSource = Literal["tag", "estimate"]

FLATS_TAG = "building:flats"
LEVELS_TAG = "building:levels"

# The wiki's "Accommodation" building values, less hotel (guests, not
# households) and annexe (part of a main house's household), plus mixed_use
# (common in practice: shops below, flats above).
DWELLING_BUILDING_VALUES = frozenset(
    {
        "apartments",
        "barracks",
        "bungalow",
        "cabin",
        "detached",
        "dormitory",
        "farm",
        "ger",
        "house",
        "houseboat",
        "mixed_use",
        "residential",
        "semidetached_house",
        "static_caravan",
        "stilt_house",
        "terrace",
        "tree_house",
        "trullo",
    }
)

# building=yes says nothing about use, and most buildings are mapped so; we
# count it as a dwelling unless a tag on it names a use that is not housing.
UNSPECIFIED_BUILDING_VALUE = "yes"
NON_DWELLING_USE_KEYS = ("amenity", "shop", "office", "craft", "tourism")


def is_dwelling_building(tags: Mapping[str, str]) -> bool:
    """Whether a building counts as housing for the household estimate.

    Parameters
    ----------
    tags
        The OSM tags of the building.

    Returns
    -------
    bool
        True for the values in ``DWELLING_BUILDING_VALUES``, and for
        ``building=yes`` without any of ``NON_DWELLING_USE_KEYS``.
    """
    building = tags.get("building", "")
    if building == UNSPECIFIED_BUILDING_VALUE:
        return not any(key in tags for key in NON_DWELLING_USE_KEYS)
    return building in DWELLING_BUILDING_VALUES


def building_levels(tags: Mapping[str, str], default_levels: int) -> int:
    """Above-ground storeys from ``building:levels``, else ``default_levels``.

    Parameters
    ----------
    tags
        The OSM tags of the building.
    default_levels
        Storeys to assume when the tag is missing, not a number, or below 1.

    Returns
    -------
    int
        Storeys; a fractional tag (``"2.5"``, a half storey in the roof) is
        rounded down, as the half storey rarely holds a flat of its own.
    """
    try:
        levels = math.floor(float(tags.get(LEVELS_TAG, "")))
    except (ValueError, OverflowError):
        return default_levels
    return levels if levels >= 1 else default_levels


def tagged_households(tags: Mapping[str, str]) -> int | None:
    """The ``building:flats`` count, or None if missing or not a plain integer."""
    value = tags.get(FLATS_TAG, "").strip()
    return int(value) if value.isdecimal() else None


def building_households(
    tags: Mapping[str, str],
    footprint_area_m2: float,
    *,
    dwelling_area_m2: float,
    default_levels: int,
) -> tuple[int, HouseholdsSource, int]:
    """Households of one building, by the rules in the module docstring.

    Parameters
    ----------
    tags
        The OSM tags of the building.
    footprint_area_m2
        Footprint area in square metres; 0 for a building mapped as a point.
    dwelling_area_m2
        Gross floor area of one dwelling, in square metres.
    default_levels
        Storeys to assume when ``building:levels`` is missing.

    Returns
    -------
    households : int
        Households, >= 0.
    source : {"tag", "estimate"}
        Where the count came from.
    levels : int
        The storeys used, >= 1.
    """
    levels = building_levels(tags, default_levels)
    tagged = tagged_households(tags)
    if tagged is not None:
        return tagged, "tag", levels
    if not is_dwelling_building(tags):
        return 0, "estimate", levels
    return max(1, round(footprint_area_m2 * levels / dwelling_area_m2)), "estimate", levels
