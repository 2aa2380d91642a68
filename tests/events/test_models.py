"""Model checks of gridmgmt.events.models."""

import pytest


def test_routing_rule_area_code_in_superscript_digits_is_refused():
    """R1's kind in a model check: '²'.isdigit() is true, but no official code holds it."""
    from django.core.exceptions import ValidationError

    from gridmgmt.events.models import RoutingRule

    rule = RoutingRule(level="street", area_code="²" * 9)
    with pytest.raises(ValidationError, match="area_code"):
        rule.clean()


@pytest.mark.parametrize(("level", "code", "problem"), [
    ("district", "440104", None), ("street", "440104001", None), ("community", "440104001001", None),
    ("grid", "44010400100101", None), ("grid", "440104001001101", None),
    ("street", "44010400", "code '44010400' is not a street code: expected 9 digits"),
    ("grid", "4401040010011", "code '4401040010011' is not a grid code: expected 14 or 15 digits"),
    ("community", "٤٤٠١٠٤٠٠١٠٠١", "is not a community code"),  # Arabic-Indic digits: isdigit() but not ASCII
])
def test_routing_rule_area_code_follows_the_one_area_code_rule(level, code, problem):
    """RoutingRule.clean uses gridmgmt.areas.area_codes, the rule every import and the recode command use."""
    from django.core.exceptions import ValidationError

    from gridmgmt.events.models import RoutingRule

    rule = RoutingRule(level=level, area_code=code)
    if problem is None:
        rule.clean()
    else:
        with pytest.raises(ValidationError) as refused:
            rule.clean()
        assert problem in refused.value.message_dict["area_code"][0]
