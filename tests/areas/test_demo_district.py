"""The demo district against the real NBS 2023 code lists in fixtures/yuexiu/source."""

import csv

import pytest
from django.core.management import call_command

from gridmgmt.areas.models import Building, BoundaryVersion, Community, Street
from gridmgmt.areas.names import normalise_community_name
from gridmgmt.geocoding.models import Place
from gridmgmt.geocoding.selectors import place_search

pytestmark = pytest.mark.django_db


def read(source, name):
    with open(source / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_streets_and_communities_match_the_nbs_code_lists(yuexiu, yuexiu_source):
    streets = {r["code"]: r["name"] for r in read(yuexiu_source, "yuexiu_streets_nbs2023.csv")}
    communities = {r["code"]: (normalise_community_name(r["name"]), r["streetCode"])
                   for r in read(yuexiu_source, "yuexiu_communities_nbs2023.csv")}
    assert dict(Street.objects.values_list("code", "name")) == streets
    assert len(streets) == 18
    assert {c.code: (c.name, c.street.code) for c in Community.objects.select_related("street")} == communities
    assert len(communities) == 222


def test_community_names_are_normalised():
    assert normalise_community_name("三眼井社区居委会") == "三眼井社区"
    assert normalise_community_name("德安社区居民委员会") == "德安社区"


def test_households_follow_the_census(yuexiu):
    # 1,038,643 residents (2020 census) / 2.62 persons per household ≈ 396,429.
    households = sum(Building.objects.values_list("households", flat=True))
    assert abs(households - 1_038_643 / 2.62) < 100
    assert not Building.objects.filter(community__isnull=True).exists()


def test_loading_twice_changes_nothing(yuexiu):
    def state():
        return (BoundaryVersion.objects.count(), Building.objects.count(),
                list(Community.objects.values_list("code", "boundary_version")),
                sorted(Place.objects.values_list("source_id", "name")))

    before = state()
    call_command("load_demo", "--no-grids", stdout=open("/dev/null", "w"))
    assert state() == before


def test_the_hotline_address_search_finds_the_demo_addresses(yuexiu):
    """Without the place step every search of the hotline page came back empty after ``make run``."""
    assert Place.objects.count() == Building.objects.exclude(address="").count() > 0
    building = Building.objects.exclude(address="").order_by("source_id").first()
    found = place_search(query=building.address)
    assert found and found[0].name == building.address
    assert found[0].location.equals_exact(building.location, 1e-9)


def test_each_street_covers_its_communities(yuexiu):
    from django.db import connection
    with connection.cursor() as cursor:
        # Area of communities outside their street, in m² (geography): numerically zero.
        cursor.execute("""SELECT max(ST_Area(ST_Difference(c.boundary, ST_Buffer(s.boundary::geography, 1)::geometry)::geography))
                          FROM areas_community c JOIN areas_street s ON s.id = c.street_id""")
        assert cursor.fetchone()[0] < 1.0
