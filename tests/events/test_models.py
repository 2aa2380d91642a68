"""Model checks of gridmgmt.events.models."""

import pytest


def test_routing_rule_area_code_in_superscript_digits_is_refused():
    """R1's kind in a model check: '²'.isdigit() is true, but no official code holds it."""
    from django.core.exceptions import ValidationError

    from gridmgmt.events.models import RoutingRule

    rule = RoutingRule(level="street", area_code="²" * 9)
    with pytest.raises(ValidationError, match="area_code"):
        rule.clean()
