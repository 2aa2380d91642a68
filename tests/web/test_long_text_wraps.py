"""Long unbroken text a person typed wraps instead of widening the page (app.css overflow-wrap)."""

import pytest

from gridmgmt.api_params import DESCRIPTION_MAX
from tests import factories

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("who, path", [("dispatcher", "/console/cases/{case}/"),
                                        ("worker", "/worker/reports/{event}/")])
def test_a_description_of_one_long_word_stays_inside_the_screen(live_district, page_as, who, path):
    event = factories.report(live_district.grids[0], live_district.rubbish, reporter=live_district.users["worker"],
                             description="x" * DESCRIPTION_MAX, address="y" * 255)
    page = page_as(live_district.users[who], viewport=PHONE)
    page.goto(path.format(case=event.case_source.case.pk, event=event.pk))
    page.get_by_text("x" * 50).first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
