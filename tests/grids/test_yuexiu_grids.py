"""The whole Yuexiu demo: about 2,000 grids and every invariant, as grid_report checks them."""

import json
from io import StringIO

import pytest
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
