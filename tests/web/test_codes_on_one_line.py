"""Case numbers and grid codes in tables stay on one line: a code broken over two lines reads as two."""

import pytest

from tests import factories
from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.browser

# The number of lines each element's text takes (distinct tops of its text's line boxes).
LINES = """els => els.map(el => { const range = document.createRange(); range.selectNodeContents(el);
  return [el.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]; })"""


def test_console_list_keeps_case_numbers_and_grid_codes_whole_beside_its_map(live_district, page_as):
    """At 1440 px the list beside the map squeezed its columns and broke 2026-000110 after the hyphen
    and 44010400100701 after its eighth digit (seen with the Yuexiu demo)."""
    for n in range(3):
        factories.report(live_district.grids[0], live_district.rubbish, reporter=live_district.users["worker"],
                         description=f"巷口垃圾堆 {n}", address="越秀区中山五路193号越秀区中山五路193号")
    page = page_as(live_district.users["dispatcher"], viewport=DESKTOP)
    page.goto("/console/")
    page.get_by_test_id("case-number").first.wait_for()
    cells = page.locator("[data-testid=case-number], [data-testid=case-grid]").evaluate_all(LINES)
    assert len(cells) == 6 and all(lines == 1 for _, lines in cells), cells
