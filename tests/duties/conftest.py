"""The tiny district, duty classes and patrol rules of tests/water."""

from tests.water.conftest import areas, duty_classes, patrol_rules  # noqa: F401

__all__ = ["areas", "duty_classes", "patrol_rules"]
