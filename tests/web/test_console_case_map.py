"""The console's case page map outlines the grids of the case's community, the case's own grid bolder."""

import pytest

from tests import factories
from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.browser


def test_case_page_map_outlines_the_grid_the_case_lies_in(live_district, page_as):
    """The map showed the district, the streets and floating grid labels only: with no grid drawn, a case
    near a label of another grid read as lying in that grid (seen on the Yuexiu demo's case pages)."""
    grid = live_district.grids[1]
    event = factories.report(grid, live_district.rubbish, reporter=live_district.users["worker2"])
    page = page_as(live_district.users["dispatcher"], viewport=DESKTOP)
    page.goto(f"/console/cases/{event.case_source.case.pk}/")
    page.locator("#console-map path.layer-grids.case-grid").wait_for()
    assert page.locator("#console-map path.layer-grids").count() == len(live_district.grids)
    assert page.locator("#console-map .map-legend").inner_text().count("网格") == 1
    weight = page.locator("#console-map path.case-grid").evaluate("p => p.getAttribute('stroke-width')")
    assert weight == "4"
    factories.report(live_district.grids[0], live_district.rubbish, reporter=live_district.users["worker"])
    page.goto("/console/")  # a list of cases keeps its area outlines: no grid layer
    page.locator("#console-map .map-legend").wait_for()
    assert page.locator("#console-map path.layer-grids").count() == 0
