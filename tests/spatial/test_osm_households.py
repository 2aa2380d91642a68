"""spatial.osm_households: the building value as mappers write it (no database)."""

import pytest

from spatial.osm_households import building_households, maps_building, non_residential_reason

ESTIMATE = {"dwelling_area_m2": 90.0, "default_levels": 1}


@pytest.mark.parametrize("value", ["Apartments", "House", " yes", "YES", "residential ", "Yes"])
def test_a_dwelling_value_in_another_case_or_with_spaces_holds_households(value):
    # Before: "Apartments" or " yes" matched no dwelling value: 0 households, counted non-residential.
    assessed = building_households({"building": value, "building:levels": "3"}, 400.0, **ESTIMATE)
    assert assessed.non_residential is None
    assert assessed.households == 13  # round(400 m² × 3 / 90 m²)


@pytest.mark.parametrize("value", ["no", "No", "NO", " no ", ""])
def test_building_no_in_any_case_is_no_building(value):
    assert not maps_building({"building": value})


def test_a_non_dwelling_value_is_named_as_read():
    assert non_residential_reason({"building": "Office "}) == "building=office"
    assert non_residential_reason({"building": "YES", "shop": "bakery"}) == "building=yes + shop=bakery"
