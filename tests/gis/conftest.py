"""Fixtures of the GIS editor tests (the district is drawn in tests/gis/district.py)."""

import pytest
from django.test import Client
from django.utils import translation

from gridmgmt.grids.services import grids_generate

from tests.gis.district import add_lattice, build_two_communities


@pytest.fixture
def two_communities(db):
    return build_two_communities()


@pytest.fixture
def gridded(two_communities):
    """Both communities with 9 buildings × 10 households and their grids; ``client`` signed in as gis."""
    add_lattice(two_communities.west, x0=113.26, households=10)
    add_lattice(two_communities.east, x0=113.27, households=10)
    grids_generate(communities=[two_communities.west, two_communities.east], target_households=200, code_digits=2,
                   activate=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # reasons checked in the source language
    client.force_login(two_communities.gis)
    two_communities.client = client
    return two_communities




@pytest.fixture(autouse=True)
def english():
    """Messages checked in the source language (the default language is zh-hans)."""
    with translation.override("en"):
        yield
