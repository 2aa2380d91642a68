"""The GIS change history reads at desk size: a regeneration's dozens of codes do not squeeze when, who and why."""

import pytest

from gridmgmt.accounts.models import Role
from gridmgmt.gis.models import ChangeRecord
from tests.factories import user as make_user
from tests.web.conftest import DESKTOP
from tests.web.test_codes_on_one_line import LINES

pytestmark = pytest.mark.browser


def test_history_keeps_when_who_and_why_readable_beside_a_regenerations_codes(live_district, page_as):
    """The Yuexiu demo's history (1440 px) broke each time over four lines ('2026- / -12- / 01 00:3 / 1') and the
    reason 'generate_grids --all --activate' over five, beside a codes column of 22 grid codes."""
    community = live_district.community.code
    codes = [f"{community}{n:02d}" for n in range(1, 23)]
    ChangeRecord.objects.create(kind="grid", action="regenerate", code=community, codes=codes,
                                via="manage.py generate_grids, run by root", reason="generate_grids --all --activate",
                                after={code: {} for code in codes})
    page = page_as(make_user("gis", Role.GIS_EDITOR), viewport=DESKTOP)
    page.goto("/gis/history/")
    cells = "[data-testid=history] tbody td:nth-child(1), [data-testid=history] tbody td:nth-child(4)"  # when, why
    lines = dict(page.locator(cells).evaluate_all(LINES))
    assert lines["generate_grids --all --activate"] <= 2, lines
    # the one record's time, on one line ("all(...)" over the cells read as times held with none found)
    assert [n for text, n in lines.items() if text[:4].isdigit()] == [1], lines
