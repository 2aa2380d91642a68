"""What each kind of sensor measures, its physical range and its limit: pure rules, no Django.

Limits and their sources:

* PM2.5 and PM10: GB 3095-2012《环境空气质量标准》, class II (residential,
  commercial, mixed areas: all of Yuexiu), 24-hour mean limits: PM2.5
  75 µg/m³, PM10 150 µg/m³. A live reading is compared with the 24-hour
  limit as an early warning; compliance with the standard itself is judged
  on daily means (the hourly table keeps what that needs).
* Noise: GB 3096-2008《声环境质量标准》, table 1, equivalent sound level
  L_Aeq in dB(A) by acoustic zone class, day 06:00–22:00 / night 22:00–06:00
  local time: class 0 50/40, 1 55/45, 2 60/50, 3 65/55, 4a 70/55, 4b 70/60.
* Construction dust: no national limit for site-boundary monitors; local
  rules set it. The default here is the GB 3095-2012 PM10 class II 24-hour
  limit (150 µg/m³); set the sensor's own threshold where the local rule differs.
* Water level: no general limit (it depends on the bank and the drain): every
  water-level sensor needs its own threshold, in metres.
* Water quality (transparency, dissolved oxygen, ORP, ammonia nitrogen): a
  reading exceeds when it is at least lightly black-odorous by the 2015 guide,
  the one rule in :mod:`gridmgmt.water.quality`.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from gridmgmt.water.quality import BlackOdorClass, WaterSample, indicator_classes

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
# GB 3096-2008 §3.8-3.9: day 06:00-22:00, night 22:00-06:00 (local time).
DAY_START_HOUR, NIGHT_START_HOUR = 6, 22


class SensorKind(StrEnum):
    PM25 = "pm25"
    PM10 = "pm10"
    NOISE = "noise"
    CONSTRUCTION_DUST = "construction_dust"
    WATER_LEVEL = "water_level"
    TRANSPARENCY = "transparency"
    DISSOLVED_OXYGEN = "dissolved_oxygen"
    ORP = "orp"
    AMMONIA_NITROGEN = "ammonia_nitrogen"


@dataclass(frozen=True)
class KindSpec:
    unit: str
    physical_min: float
    physical_max: float
    default_limit: float | None  # None: the sensor needs its own threshold, or the rule is not a single limit
    small_class_code: str  # what an exceedance is reported as (fixtures/catalogue)
    water_indicator: str | None = None  # the WaterSample field, for water-quality kinds


# What each kind is called, in the reader's language (pages, and an exceedance's description).
KIND_LABELS = {SensorKind.PM25: "PM2.5", SensorKind.PM10: "PM10", SensorKind.NOISE: _("noise"),
               SensorKind.CONSTRUCTION_DUST: _("construction dust"), SensorKind.WATER_LEVEL: _("water level"),
               SensorKind.TRANSPARENCY: _("transparency"), SensorKind.DISSOLVED_OXYGEN: _("dissolved oxygen"),
               SensorKind.ORP: "ORP", SensorKind.AMMONIA_NITROGEN: _("ammonia nitrogen")}

WATER_QUALITY_CLASS = "2301"  # 小微水体黑臭
MONITOR_ALARM_CLASS = "2404"  # 监测设备报警
KINDS: dict[SensorKind, KindSpec] = {
    SensorKind.PM25: KindSpec("µg/m³", 0, 1000, 75.0, MONITOR_ALARM_CLASS),
    SensorKind.PM10: KindSpec("µg/m³", 0, 2000, 150.0, MONITOR_ALARM_CLASS),
    SensorKind.NOISE: KindSpec("dB(A)", 20, 140, None, "2401"),  # 噪声超标
    SensorKind.CONSTRUCTION_DUST: KindSpec("µg/m³", 0, 10000, 150.0, "1303"),  # 工地扬尘
    SensorKind.WATER_LEVEL: KindSpec("m", -50, 100, None, MONITOR_ALARM_CLASS),
    SensorKind.TRANSPARENCY: KindSpec("cm", 0, 1000, None, WATER_QUALITY_CLASS, "transparency_cm"),
    SensorKind.DISSOLVED_OXYGEN: KindSpec("mg/L", 0, 25, None, WATER_QUALITY_CLASS, "dissolved_oxygen_mg_l"),
    SensorKind.ORP: KindSpec("mV", -1000, 1000, None, WATER_QUALITY_CLASS, "orp_mv"),
    SensorKind.AMMONIA_NITROGEN: KindSpec("mg/L", 0, 500, None, WATER_QUALITY_CLASS, "ammonia_nitrogen_mg_l"),
}

# GB 3096-2008 table 1: zone class -> (day, night) L_Aeq limit in dB(A).
NOISE_LIMITS_DBA = {"0": (50, 40), "1": (55, 45), "2": (60, 50), "3": (65, 55), "4a": (70, 55), "4b": (70, 60)}


@dataclass(frozen=True)
class Limit:
    """How one sensor judges a reading; ``threshold``/``threshold_night`` in the kind's unit."""

    kind: SensorKind
    threshold: float | None = None
    threshold_night: float | None = None  # noise only: the night limit

    def exceeds(self, value: float, at: datetime) -> bool:
        """True when ``value`` measured at ``at`` (timezone-aware) breaks the limit."""
        spec = KINDS[self.kind]
        if spec.water_indicator:
            sample = WaterSample(**{spec.water_indicator: value})
            return indicator_classes(sample)[spec.water_indicator] >= BlackOdorClass.LIGHT
        if self.kind == SensorKind.NOISE and is_night(at):
            return value > self.threshold_night
        return value > self.threshold


def is_night(at: datetime) -> bool:
    hour = at.astimezone(LOCAL_TIME).hour
    return not (DAY_START_HOUR <= hour < NIGHT_START_HOUR)


def limit_for(kind: str, *, threshold: float | None = None, noise_zone_class: str = "") -> Limit:
    """The limit of a sensor of ``kind``: its own threshold, else the standard's; ValueError naming what is missing.

    For noise, ``threshold`` (if given) is the day limit and the night limit
    keeps the standard's day/night gap for the zone class.
    """
    try:
        kind = SensorKind(kind)
    except ValueError:
        raise ValueError(f"unknown sensor kind {kind!r}; one of {', '.join(k.value for k in SensorKind)}") from None
    spec = KINDS[kind]
    if spec.water_indicator:
        return Limit(kind)
    if kind == SensorKind.NOISE:
        if noise_zone_class not in NOISE_LIMITS_DBA:
            raise ValueError(f"a noise sensor needs its acoustic zone class (GB 3096-2008): one of "
                             f"{', '.join(NOISE_LIMITS_DBA)}, got {noise_zone_class!r}")
        day, night = NOISE_LIMITS_DBA[noise_zone_class]
        if threshold is not None:
            night, day = threshold - (day - night), threshold
        return Limit(kind, float(day), float(night))
    threshold = threshold if threshold is not None else spec.default_limit
    if threshold is None:
        raise ValueError(f"a {kind.value} sensor needs its own threshold (in {spec.unit}): no standard sets one")
    return Limit(kind, float(threshold))


def physical_range_error(kind: str, value: float) -> str | None:
    """None when ``value`` is physically possible for ``kind``, else a message naming it."""
    spec = KINDS[SensorKind(kind)]
    if not (spec.physical_min <= value <= spec.physical_max):
        return f"{value} {spec.unit} is outside the physical range {spec.physical_min}..{spec.physical_max}"
    return None


# Units a payload may name (``"unit"``), per kind: the spelling folded by :func:`_unit_folded` → the factor
# to the kind's own unit. Only exact, fixed conversions: ppm (a mixing ratio) or dB without the A weighting
# are other quantities, refused, never guessed.
# Factors are exact fractions, the product rounded once: 280 cm is 2.8 m, not 280 * 0.01 = 2.8000000000000003.
_MASS_PER_AIR = {"µg/m3": Fraction(1), "ug/m3": Fraction(1), "mg/m3": Fraction(1000)}
_MASS_PER_WATER = {"mg/l": Fraction(1), "µg/l": Fraction(1, 1000), "ug/l": Fraction(1, 1000), "g/m3": Fraction(1)}
UNIT_FACTORS: dict[SensorKind, dict[str, Fraction]] = {
    SensorKind.PM25: _MASS_PER_AIR,
    SensorKind.PM10: _MASS_PER_AIR,
    SensorKind.CONSTRUCTION_DUST: _MASS_PER_AIR,
    SensorKind.NOISE: {"db(a)": Fraction(1), "dba": Fraction(1)},
    SensorKind.WATER_LEVEL: {"m": Fraction(1), "cm": Fraction(1, 100), "mm": Fraction(1, 1000)},
    SensorKind.TRANSPARENCY: {"cm": Fraction(1), "m": Fraction(100), "mm": Fraction(1, 10)},
    SensorKind.DISSOLVED_OXYGEN: _MASS_PER_WATER,
    SensorKind.ORP: {"mv": Fraction(1), "v": Fraction(1000)},
    SensorKind.AMMONIA_NITROGEN: _MASS_PER_WATER,
}


def _unit_folded(unit: str) -> str:
    # NFKC folds ³ to 3 and the micro sign to Greek mu; back to the micro sign, so µ and μ are one.
    return unicodedata.normalize("NFKC", unit).replace(" ", "").lower().replace("\u03bc", "µ")


def in_kind_unit(kind: str, value: float, unit) -> float:
    """``value`` given in ``unit`` as the kind's own unit (:data:`KINDS`); ValueError naming the unit and the
    ones accepted when ``unit`` is no unit of this kind (e.g. ppm for PM2.5, dB for noise)."""
    spec, factors = KINDS[SensorKind(kind)], UNIT_FACTORS[SensorKind(kind)]
    factor = factors.get(_unit_folded(unit)) if isinstance(unit, str) and len(unit) <= 16 else None
    if factor is None:
        shown = repr(unit) if not isinstance(unit, str) or len(unit) <= 16 else repr(unit[:16]) + "..."
        raise ValueError(f"unit {shown} is not a unit of {kind} readings: give {spec.unit} (or "
                         f"{', '.join(u for u in factors if u != _unit_folded(spec.unit))})")
    return value if factor == 1 else float(Fraction(value) * factor)
