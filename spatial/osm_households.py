"""How many households (户) an OSM building holds: the tag if mapped, else an estimate.

Grids are sized by households ("平均不超过200户"), and OSM rarely maps them, so
most counts are estimates from the footprint. The rules, in order:

1. ``building:flats`` (OSM wiki, Key:building:flats: "the number of flats in
   the building") when it is a plain non-negative integer; source ``"tag"``.
   It wins even on a non-residential building (a shop with flats above).
   ``addr:flats`` is not used: per the wiki it lists flat *numbers* of an
   address (e.g. ``"1-12"``), not a count. There is no established
   ``households`` key. Any other value (``"10-12"``, ``"~20"``, ``"-5"``)
   falls through, and is reported as a departure.
2. Otherwise, for a dwelling building (``non_residential_reason`` is None):
   ``round(footprint_area_m2 * levels / dwelling_area_m2)``, at least 1;
   source ``"estimate"``. A building mapped as a point has no footprint and
   gets the minimum, 1.
3. Otherwise 0, source ``"estimate"``: commercial, industrial, retail,
   religious, civic, hotel and the like hold no households. The reason
   (``building=office``, ``building=yes + shop=*``) is returned so an import
   can list the buildings it treated as non-residential.

Plausibility limits: a tag beyond them, or one that is not a number, is
never used, and is returned as a departure for the import to report (a
681 m² house tagged ``building:levels=2019`` would otherwise hold 15,278
households; ``building:levels=three`` would pass unseen as 1 storey):

- ``building:levels`` not a number, below 1 or above
  ``MAX_PLAUSIBLE_LEVELS`` (100; the tallest buildings have about 160
  storeys, residential ones well under 100): the default storeys are used
  instead;
- ``building:flats`` giving less than ``MIN_PLAUSIBLE_FLAT_AREA_M2`` (10 m²)
  of floor area per flat on a mapped footprint (floor area = footprint ×
  the tagged storeys, or × ``MAX_PLAUSIBLE_LEVELS`` when none are tagged),
  or above ``MAX_PLAUSIBLE_HOUSEHOLDS``: the estimate is used instead;
- an estimate above ``MAX_PLAUSIBLE_HOUSEHOLDS`` (a huge footprint wrongly
  tagged as a building): that limit is used.

``MAX_PLAUSIBLE_HOUSEHOLDS`` (10,000) also bounds real counts
(``gridmgmt.areas.building_services``): the largest residential blocks
known hold a few thousand flats, and a building mapped as a point has no
footprint to judge a tag by (``building:flats=99999999999`` on a node
overflowed the database's integer).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
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
# Landmarks (historic, man_made towers) hold no households either.
NON_DWELLING_USE_KEYS = ("amenity", "shop", "office", "craft", "tourism", "historic", "man_made")

MAX_PLAUSIBLE_LEVELS = 100
MIN_PLAUSIBLE_FLAT_AREA_M2 = 10.0
MAX_PLAUSIBLE_HOUSEHOLDS = 10_000

# Numbers in OSM tags are written in ASCII digits with a "." (OSM wiki, Map features: units and numbers);
# Python's float() and int() also take "1e2", "1_0" and other scripts' digits, which no mapper meant.
_WHOLE = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


def whole_number_tag(value: str) -> int | None:
    """The whole number an OSM tag value writes in ASCII digits (surrounding spaces and leading zeros
    allowed: ``" 8 "``, ``"08"``), or None: ``"8;9"``, ``"8.0"``, ``"1_0"``, ``"٨"``, ``""``."""
    value = value.strip()
    return int(value) if _WHOLE.fullmatch(value) else None


@dataclass(frozen=True, slots=True)
class HouseholdsAssessment:
    """The households of one building and how they were decided."""

    households: int
    """>= 0."""
    source: HouseholdsSource
    levels: int
    """Storeys used, >= 1."""
    non_residential: str | None
    """Why the building holds no households (``"building=office"``), else None."""
    implausible: tuple[str, ...]
    """Tags set aside by the plausibility limits, each with the limit."""


def building_value(tags: Mapping[str, str]) -> str | None:
    """The ``building`` value as meant, or None for no building (no tag, ``no``).

    Read without surrounding spaces and case: mappers and editors' presets write ``Apartments``,
    ``House`` or `` yes``, which as written matched no dwelling value, so the building was counted
    non-residential with 0 households; ``building=No`` was read as a building.
    """
    value = tags.get("building", "").strip().lower()
    return None if value in ("", "no") else value


def maps_building(tags: Mapping[str, str]) -> bool:
    """Whether the tags map a building (``building`` present and not ``no``, see :func:`building_value`)."""
    return building_value(tags) is not None


# OSM lifecycle prefixes (OSM wiki, Lifecycle prefix): the building is not there, or not in use, now.
LIFECYCLE_PREFIXES = ("disused", "abandoned", "demolished", "razed", "destroyed", "was", "removed", "proposed")


def not_a_building_reason(tags: Mapping[str, str]) -> str | None:
    """Why tags that look like a building's map none, or None when they do not look like one.

    ``building:part`` without ``building`` (a part of a building in 3D mapping: the building's own outline
    holds its households, and flats tagged on a part are not counted) and lifecycle-prefixed ``building``
    keys (``disused:building=yes``). The import names each such element, so nothing is left out silently.
    """
    if maps_building(tags):
        return None
    if "building:part" in tags:
        flats = f"; its {FLATS_TAG}={tags[FLATS_TAG]} not counted" if FLATS_TAG in tags else ""
        return (f"building:part={tags['building:part']}: a part of a building, whose outline holds the "
                f"households{flats}")
    for prefix in LIFECYCLE_PREFIXES:
        key = f"{prefix}:building"
        if key in tags:
            return f"{key}={tags[key]}: not a building now (lifecycle prefix)"
    return None


def non_residential_reason(tags: Mapping[str, str]) -> str | None:
    """Why a building does not count as housing, or None when it does.

    Parameters
    ----------
    tags
        The OSM tags of the building.

    Returns
    -------
    str or None
        ``"building=<value>"`` for a value outside ``DWELLING_BUILDING_VALUES``
        and not ``yes``; ``"building=yes + <key>=<value>"`` for
        ``building=yes`` with one of ``NON_DWELLING_USE_KEYS``; else None.
    """
    building = building_value(tags) or ""
    if building == UNSPECIFIED_BUILDING_VALUE:
        use = next((key for key in NON_DWELLING_USE_KEYS if key in tags), None)
        return f"building=yes + {use}={tags[use]}" if use else None
    return None if building in DWELLING_BUILDING_VALUES else f"building={building}"


def building_levels(tags: Mapping[str, str], default_levels: int) -> tuple[int, str | None]:
    """Above-ground storeys from ``building:levels``, else ``default_levels``.

    Parameters
    ----------
    tags
        The OSM tags of the building.
    default_levels
        Storeys to assume when the tag is missing, not a number, below 1 or
        above ``MAX_PLAUSIBLE_LEVELS``.

    Returns
    -------
    levels : int
        Storeys; a fractional tag (``"2.5"``, a half storey in the roof) is
        rounded down, as the half storey rarely holds a flat of its own.
    implausible : str or None
        The departure when the tag is present but not used, else None.
    """
    if LEVELS_TAG not in tags:
        return default_levels, None
    value = tags[LEVELS_TAG]
    if not _DECIMAL.fullmatch(value.strip()):  # "three", "5;7", "1e2", "1_0", "nan", Arabic-Indic or full-width digits
        return default_levels, f"{LEVELS_TAG}={value} is not a number: {default_levels} used"
    levels = math.floor(float(value))
    if levels > MAX_PLAUSIBLE_LEVELS:
        return default_levels, f"{LEVELS_TAG}={value} above {MAX_PLAUSIBLE_LEVELS}: {default_levels} used"
    if levels < 1:
        return default_levels, f"{LEVELS_TAG}={value} below 1: {default_levels} used"
    return levels, None


def tagged_households(tags: Mapping[str, str]) -> int | None:
    """The ``building:flats`` count, or None if missing or not a whole number in ASCII digits."""
    return whole_number_tag(tags.get(FLATS_TAG, ""))


def building_households(
    tags: Mapping[str, str],
    footprint_area_m2: float,
    *,
    dwelling_area_m2: float,
    default_levels: int,
) -> HouseholdsAssessment:
    """Households of one building, by the rules and limits in the module docstring.

    Parameters
    ----------
    tags
        The OSM tags of the building.
    footprint_area_m2
        Footprint area in square metres; 0 for a building mapped as a point.
    dwelling_area_m2
        Gross floor area of one dwelling, in square metres.
    default_levels
        Storeys to assume when ``building:levels`` is missing or implausible.
    """
    levels, levels_departure = building_levels(tags, default_levels)
    implausible = [levels_departure] if levels_departure else []
    tagged = tagged_households(tags)
    if tagged is None and FLATS_TAG in tags:
        implausible.append(f"{FLATS_TAG}={tags[FLATS_TAG]} is not a whole number: estimate used")
    if tagged is not None and tagged > MAX_PLAUSIBLE_HOUSEHOLDS:
        implausible.append(f"{FLATS_TAG}={tagged} above {MAX_PLAUSIBLE_HOUSEHOLDS}: estimate used")
        tagged = None
    if tagged is not None and footprint_area_m2 > 0:
        # Without a levels tag the building may be a tower: judge against the tallest plausible.
        levels_for_check = levels if LEVELS_TAG in tags and not levels_departure else MAX_PLAUSIBLE_LEVELS
        floor_area_m2 = footprint_area_m2 * levels_for_check
        if tagged > 0 and floor_area_m2 / tagged < MIN_PLAUSIBLE_FLAT_AREA_M2:
            implausible.append(
                f"{FLATS_TAG}={tagged} on {floor_area_m2:.0f} m² of floor: under "
                f"{MIN_PLAUSIBLE_FLAT_AREA_M2:.0f} m² a flat, estimate used"
            )
            tagged = None
    reason = non_residential_reason(tags)
    if tagged is not None:
        return HouseholdsAssessment(tagged, "tag", levels, None, tuple(implausible))
    if reason is not None:
        return HouseholdsAssessment(0, "estimate", levels, reason, tuple(implausible))
    households = max(1, round(footprint_area_m2 * levels / dwelling_area_m2))
    if households > MAX_PLAUSIBLE_HOUSEHOLDS:
        implausible.append(f"estimate {households} households above {MAX_PLAUSIBLE_HOUSEHOLDS} "
                           f"({footprint_area_m2:.0f} m² × {levels} levels): {MAX_PLAUSIBLE_HOUSEHOLDS} used")
        households = MAX_PLAUSIBLE_HOUSEHOLDS
    return HouseholdsAssessment(households, "estimate", levels, None, tuple(implausible))
