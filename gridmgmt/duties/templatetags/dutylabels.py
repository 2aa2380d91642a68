"""``{% load dutylabels %}``: codes the duty pages show — OSM road classes and health facility kinds, sensor
kinds — as words in the reader's language; a code without a label here is shown as it is stored."""

from django import template
from django.utils.translation import gettext_lazy as _

from gridmgmt.sensors.standards import KIND_LABELS, KINDS

register = template.Library()

# OSM's highway=* values of the imported road network (gridmgmt.duties.traffic) and amenity/healthcare
# values of the health facilities (gridmgmt.duties.facilities.KINDS).
ROAD_CLASSES = {"motorway": _("motorway"), "trunk": _("trunk road"), "primary": _("primary road"),
                "secondary": _("secondary road"), "tertiary": _("tertiary road"), "residential": _("residential road"),
                "unclassified": _("minor road"), "service": _("service road"), "living_street": _("living street"),
                "pedestrian": _("pedestrian street")}
FACILITY_KINDS = {"hospital": _("hospital"), "clinic": _("clinic"), "doctors": _("doctors"),
                  "centre": _("community health service centre"), "pharmacy": _("pharmacy")}


@register.filter
def road_class(value: str) -> str:
    """``primary`` → "primary road" / "主干道"."""
    return ROAD_CLASSES.get(value, value)


@register.filter
def facility_kind(value: str) -> str:
    """``clinic`` → "clinic" / "诊所"."""
    return FACILITY_KINDS.get(value, value)


@register.filter
def sensor_kind(value: str) -> str:
    """``dissolved_oxygen`` → "dissolved oxygen" / "溶解氧"."""
    return KIND_LABELS.get(value, value)


@register.filter
def sensor_unit(value: str) -> str:
    """The unit of a sensor kind's readings (``noise`` → "dB(A)"); "" for an unknown kind."""
    spec = KINDS.get(value)
    return spec.unit if spec else ""
