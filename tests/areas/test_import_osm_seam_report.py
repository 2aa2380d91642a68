"""Shared case seam/ (tests/data/osm/cases/seam): the report in events.csv, on a vertex two communities share.

The case's "seen": imported after buildings-first, the report and the
building on the shared vertex lay in no grid. Right: whatever the import
order, the report lies in one active grid of the community a point there is
placed in (the lowest code, 091000001001), and grid_report holds.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from gridmgmt.events.models import Event
from gridmgmt.grids.models import Grid
from tests.areas.test_import_seam import SEAM, import_boundaries, import_buildings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("order", ["buildings first", "boundaries first"])
def test_report_on_the_shared_vertex_lies_in_one_grid_of_its_community(order):
    steps = [import_buildings, import_boundaries] if order == "buildings first" else [import_boundaries,
                                                                                     import_buildings]
    for step in steps:
        step()
    call_command("load_catalogue", stdout=StringIO())
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    call_command("import_events", str(SEAM / "events.csv"), "--channel", "hotline", stdout=StringIO())

    event = Event.objects.get(idempotency_key="T1")
    assert event.community.code == "091000001001" and event.grid is not None
    assert (event.location.x, event.location.y) == (116.0626515, 30.1567117)
    covering = Grid.objects.active().covering(event.location)
    assert event.grid in covering and covering.filter(community=event.community).count() == 1
    out = StringIO()
    call_command("grid_report", stdout=out)
    assert "invariants: all hold" in out.getvalue()
