"""The whole Yuexiu demo: about 2,000 grids and every invariant, as grid_report checks them."""

import json
from io import StringIO

import pytest
import shapely
from django.core.management import call_command

from gridmgmt.grids.models import Grid

pytestmark = pytest.mark.django_db


def test_yuexiu_grids_number_about_two_thousand_and_hold_every_invariant(yuexiu):
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    out = StringIO()
    call_command("grid_report", "--json", stdout=out)  # raises SystemExit(1) if an invariant fails
    report = json.loads(out.getvalue())
    assert report["ok"] and report["violations"] == {}
    # Reported for Yuexiu: 1,843–2,016 grids; the demo's 396,423 households need at least 2,099 at ≤ 200.
    assert report["communities"] == 222
    assert 2_099 <= report["grids"] <= 2_200
    assert report["households"]["max"] <= 200
    assert Grid.objects.filter(active=True).values("community").distinct().count() == 222
    # Each community's grids are a clean coverage as stored (WGS84): shared edges identical vertex for
    # vertex, no needle or T-junction where a point could lie in two grids or none. Before: 26 of 222 not.
    by_community: dict[int, list] = {}
    for community_id, wkb in Grid.objects.filter(active=True).values_list("community_id", "polygon"):
        by_community.setdefault(community_id, []).append(shapely.from_wkb(bytes(wkb.wkb)))
    invalid = [c for c, polygons in by_community.items() if not shapely.coverage_is_valid(polygons)]
    assert invalid == []
