"""Tiny areas and duty classes shared with tests/water."""

from tests.water.conftest import INSIDE_C1, INSIDE_C2, OUTSIDE, areas, duty_classes, patrol_rules

__all__ = ["INSIDE_C1", "INSIDE_C2", "OUTSIDE", "areas", "duty_classes", "patrol_rules"]
