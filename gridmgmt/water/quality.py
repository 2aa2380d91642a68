"""Black-odorous water (黑臭水体) classes from four field measurements: pure rules, no Django.

Source: 住房城乡建设部《城市黑臭水体整治工作指南》(MOHURD, August 2015),
table 「城市黑臭水体污染程度分级标准」:

============================  ==================  ===========
indicator (unit)              light 轻度黑臭        severe 重度黑臭
============================  ==================  ===========
transparency 透明度 (cm)        25 – 10 (*)         < 10 (*)
dissolved oxygen 溶解氧 (mg/L)  0.2 – 2.0           < 0.2
ORP 氧化还原电位 (mV)            −200 – 50           < −200
ammonia nitrogen 氨氮 (mg/L)    8.0 – 15            > 15
============================  ==================  ===========

(*) Where the water is shallower than 25 cm, the transparency bound is 40 %
of the water depth (the guide's note to the table).

Range ends belong to the lighter class where the table leaves them open:
transparency exactly 25 cm, DO exactly 2.0 mg/L, ORP exactly 50 mV are
light; 10 cm, 0.2 mg/L, −200 mV are light; ammonia exactly 8.0 mg/L is light
and exactly 15 mg/L is light (severe is strictly above 15).

One observation: its class is the worst of its indicators' classes (an
indicator missing is not judged). A series of observations at one point
(:func:`classify_series`) follows the guide's rule for a monitoring point:
severe when one indicator has ≥ 60 % of its values severe, or at least two
indicators ≥ 30 % severe; otherwise light when any value is light or severe.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class BlackOdorClass(IntEnum):
    """Ordered: a larger value is worse."""

    NONE = 0  # 不黑臭
    LIGHT = 1  # 轻度黑臭
    SEVERE = 2  # 重度黑臭

    @property
    def key(self) -> str:
        return self.name.lower()


# Physically possible values; outside them a measurement is a typing or sensor error, not water.
PHYSICAL_RANGES = {
    "transparency_cm": (0.0, 1000.0),
    "dissolved_oxygen_mg_l": (0.0, 25.0),
    "orp_mv": (-1000.0, 1000.0),
    "ammonia_nitrogen_mg_l": (0.0, 500.0),
    "water_depth_cm": (0.0, 10000.0),
}


@dataclass(frozen=True)
class WaterSample:
    """One set of field measurements; any indicator may be None (not measured).

    Units: transparency and water depth in cm, dissolved oxygen and ammonia
    nitrogen (NH3-N) in mg/L, ORP in mV.
    """

    transparency_cm: float | None = None
    dissolved_oxygen_mg_l: float | None = None
    orp_mv: float | None = None
    ammonia_nitrogen_mg_l: float | None = None
    water_depth_cm: float | None = None

    def check(self) -> None:
        """Raise ValueError naming the first indicator outside its physical range, or when none is given."""
        for name, (low, high) in PHYSICAL_RANGES.items():
            value = getattr(self, name)
            if value is not None and not (low <= value <= high):
                raise ValueError(f"{name}={value} is outside the physical range {low}..{high}")
        if all(getattr(self, name) is None for name in INDICATORS):
            raise ValueError("no indicator measured: give transparency, dissolved oxygen, ORP or ammonia nitrogen")


INDICATORS = ("transparency_cm", "dissolved_oxygen_mg_l", "orp_mv", "ammonia_nitrogen_mg_l")


def _transparency_class(transparency_cm: float, water_depth_cm: float | None) -> BlackOdorClass:
    light_bound = 25.0
    if water_depth_cm is not None and water_depth_cm < 25.0:
        # The guide's note: in water shallower than 25 cm the bound is 40 % of
        # the depth. It does not say how the 10 cm severe bound moves; we keep
        # it, capped at the light bound, so shallow water is never severe more easily.
        light_bound = 0.4 * water_depth_cm
    severe_bound = min(10.0, light_bound)
    if transparency_cm < severe_bound:
        return BlackOdorClass.SEVERE
    if transparency_cm <= light_bound:
        return BlackOdorClass.LIGHT
    return BlackOdorClass.NONE


def indicator_classes(sample: WaterSample) -> dict[str, BlackOdorClass]:
    """The class of each measured indicator, keyed by indicator name."""
    classes: dict[str, BlackOdorClass] = {}
    if sample.transparency_cm is not None:
        classes["transparency_cm"] = _transparency_class(sample.transparency_cm, sample.water_depth_cm)
    if (do := sample.dissolved_oxygen_mg_l) is not None:
        classes["dissolved_oxygen_mg_l"] = (
            BlackOdorClass.SEVERE if do < 0.2 else BlackOdorClass.LIGHT if do <= 2.0 else BlackOdorClass.NONE)
    if (orp := sample.orp_mv) is not None:
        classes["orp_mv"] = (
            BlackOdorClass.SEVERE if orp < -200 else BlackOdorClass.LIGHT if orp <= 50 else BlackOdorClass.NONE)
    if (nh3 := sample.ammonia_nitrogen_mg_l) is not None:
        classes["ammonia_nitrogen_mg_l"] = (
            BlackOdorClass.SEVERE if nh3 > 15 else BlackOdorClass.LIGHT if nh3 >= 8.0 else BlackOdorClass.NONE)
    return classes


def classify(sample: WaterSample) -> BlackOdorClass:
    """The worst class among the sample's measured indicators (ValueError if the sample is invalid)."""
    sample.check()
    return max(indicator_classes(sample).values())


def classify_series(samples: Iterable[WaterSample]) -> BlackOdorClass:
    """A monitoring point's class over several samples, by the guide's 60 % / 30 % rule."""
    per_indicator: dict[str, list[BlackOdorClass]] = {name: [] for name in INDICATORS}
    for sample in samples:
        sample.check()
        for name, cls in indicator_classes(sample).items():
            per_indicator[name].append(cls)
    measured = {name: classes for name, classes in per_indicator.items() if classes}
    if not measured:
        raise ValueError("no samples")
    severe_shares = [sum(c == BlackOdorClass.SEVERE for c in cs) / len(cs) for cs in measured.values()]
    if any(share >= 0.6 for share in severe_shares) or sum(share >= 0.3 for share in severe_shares) >= 2:
        return BlackOdorClass.SEVERE
    if any(c >= BlackOdorClass.LIGHT for cs in measured.values() for c in cs):
        return BlackOdorClass.LIGHT
    return BlackOdorClass.NONE
