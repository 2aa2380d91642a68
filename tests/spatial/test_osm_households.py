"""spatial.osm_households: the building value as mappers write it (no database)."""

import pytest

from spatial.osm_households import (
    building_households,
    building_levels,
    maps_building,
    non_residential_reason,
    tagged_households,
    whole_number_tag,
)

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


@pytest.mark.parametrize("value", ["١٢", "１２", "1_2", "1e1", "12.0", "nan", "12;14"])
def test_flats_not_in_ascii_whole_numbers_are_reported_and_the_estimate_used(value):
    # Before: int() took Arabic-Indic and full-width digits and "1_2" as 12, silently.
    result = building_households({"building": "apartments", "building:flats": value}, 400.0,
                                 dwelling_area_m2=100.0, default_levels=1)
    assert (result.households, result.source) == (4, "estimate")
    assert result.implausible == (f"building:flats={value} is not a whole number: estimate used",)


@pytest.mark.parametrize("value", ["٣", "３", "1_0", "1e1", "inf", "nan", "2,5"])
def test_levels_not_in_ascii_decimals_are_reported_and_the_default_used(value):
    # Before: float() took "1e1" as 10 storeys, "1_0" as 10 and other scripts' digits, silently.
    assert building_levels({"building:levels": value}, 2) == (2, f"building:levels={value} is not a number: 2 used")


@pytest.mark.parametrize(("value", "levels"), [("3", 3), (" 3 ", 3), ("2.5", 2), ("12", 12)])
def test_levels_in_ascii_decimals_are_read(value, levels):
    assert building_levels({"building:levels": value}, 1) == (levels, None)


@pytest.mark.parametrize(("value", "number"), [("12", 12), (" 8 ", 8), ("08", 8), ("8\t", 8), ("8;9", None),
                                               ("8.0", None), ("1_0", None), ("٨", None), ("１２", None), ("", None)])
def test_whole_number_tag_is_the_one_rule_for_flats_and_admin_level(value, number):
    # building:flats (tagged_households) and admin_level (osm_reader._admin_level) both read it.
    assert whole_number_tag(value) == number
    assert tagged_households({"building:flats": value}) == number
