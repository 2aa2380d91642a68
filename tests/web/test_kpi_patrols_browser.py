"""The KPI page's water body patrols in Chromium: chart, table and CSV link from the same rows (headless)."""

import pytest

from gridmgmt.accounts.models import Role
from tests.water.conftest import areas, patrol_rules  # noqa: F401
from tests.water.test_patrol_kpis import patrolled  # noqa: F401
from tests.water.test_pages import user_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patrol_figures_chart_table_and_csv_link(patrolled, page_as, screenshot):
    page = page_as(user_with("leader", Role.DISTRICT_LEADER))
    page.goto("/console/kpis/?dimension=community&start=2026-10-01&end=2026-10-30")
    section = page.get_by_test_id("kpi-patrols")
    rows = section.get_by_test_id("kpi-patrols-table").locator("tbody tr")
    assert rows.count() == 2  # the community without water bodies too, with zeros
    assert rows.nth(0).locator("td").all_inner_texts() == ["33", "1", "1", "32", "3%"]
    assert rows.nth(1).locator("td").all_inner_texts() == ["0", "0", "0", "0", "—"]
    bars = section.get_by_test_id("kpi-patrols-chart").locator("g")
    assert bars.count() == 1 and bars.first.get_attribute("data-unit-label") == "一社区"
    assert "dimension=community" in section.get_by_test_id("kpi-patrols-csv").get_attribute("href")
    section.scroll_into_view_if_needed()
    screenshot(page, "console-kpis-patrols")
    assert page.context.blocked == []
