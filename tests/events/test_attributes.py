"""A small class's own attributes (Open311 attribute definitions): the values a report carries."""

import pytest
from django.utils import translation

from gridmgmt.events.attributes import clean_attribute_values

SEEN_AT = [{"code": "seen_at", "datatype": "datetime", "required": True, "order": 1,
            "description": "When the water was first seen"}]


@pytest.mark.parametrize("value", ["20261201", "2026-W49-2", "2026-335", 20261201, "2026-02-30T10:00:00+08:00",
                                   "9999-12-31T23:00:00-14:00"])
def test_datetime_attribute_that_is_no_instant_is_refused_naming_it(value):
    # fromisoformat alone (Python 3.11) took the basic, week and ordinal forms as date-times
    with translation.override("en"), pytest.raises(ValueError,
                                                   match="attribute 'seen_at' must be an ISO 8601 date-time"):
        clean_attribute_values(SEEN_AT, {"seen_at": value})


@pytest.mark.parametrize("value, stored", [
    ("2026-12-01T10:30:00+08:00", "2026-12-01T10:30:00+08:00"),
    ("2026-12-01T02:30:00Z", "2026-12-01T02:30:00+00:00"),
    ("2026-12-01 10:30", "2026-12-01T10:30:00+08:00"),  # no offset: the district's zone (Asia/Shanghai)
])
def test_datetime_attribute_is_stored_as_an_instant_with_its_offset(value, stored):
    assert clean_attribute_values(SEEN_AT, {"seen_at": value}) == {"seen_at": stored}
