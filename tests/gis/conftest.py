"""Fixtures of the GIS editor tests (the district is drawn in tests/gis/district.py)."""

import pytest

from tests.gis.district import build_two_communities


@pytest.fixture
def two_communities(db):
    return build_two_communities()
