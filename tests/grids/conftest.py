"""A tiny district for grid tests: one street, two communities of 0.01° × 0.01° (≈1 km²)."""

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.areas.models import Building
from tests import factories
from tests.factories import square


def add_buildings(community, *, count, households, x0, y0, size=0.01, batch="a"):
    """``count`` point buildings on a regular lattice inside the community, ``households`` each."""
    side = int(count ** 0.5) + 1
    step = size / (side + 1)
    rows = [Building(community=community, households=households, population=round(households * 2.62),
                     location=Point(x0 + step * (1 + i % side), y0 + step * (1 + i // side), srid=4326),
                     source="test", source_id=f"{community.code}-{batch}{i}") for i in range(count)]
    Building.objects.bulk_create(rows)


@pytest.fixture
def two_communities(db):
    district = factories.district(square(113.26, 23.12, 0.02))
    street = factories.street(district, square(113.26, 23.12, 0.02))
    west = factories.community(street, square(113.26, 23.12), name="西社区")
    east = factories.community(street, square(113.27, 23.12), code="440104001002", name="东社区")
    add_buildings(west, count=40, households=25, x0=113.26, y0=23.12)   # 1,000 households → 5 grids
    add_buildings(east, count=12, households=10, x0=113.27, y0=23.12)   # 120 households → 1 grid
    return west, east
