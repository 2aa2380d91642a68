"""Coordinates a call-taker types from a map app: either order, a Chinese comma, Enter, and text that is none."""

import pytest

from gridmgmt.events.models import Event
from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.browser


def type_coordinates(page, text: str, key: str = "Tab") -> None:
    page.get_by_test_id("typed-coordinates").fill(text)
    page.get_by_test_id("typed-coordinates").press(key)


def test_typed_coordinates_in_either_order_with_a_chinese_comma_are_placed(live_district, page_as):
    """'113.2655，23.1255' (an input method's comma) was ignored without a word; '23.1255, 113.2655' (Baidu's and
    Google's order) was placed at latitude 113; Enter sent the whole form (a 400 page) before the call was written."""
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/intake/")
    page.locator("details summary").click()
    for text in ("113.2655，23.1255", "23.1255, 113.2655", "113.2655 23.1255"):
        type_coordinates(page, text, key="Enter")
        page.get_by_test_id("point-text").filter(has_text="113.2655000, 23.1255000").wait_for()
        assert (page.locator("#lng").input_value(), page.locator("#lat").input_value()) == ("113.2655000", "23.1255000")
    assert page.url.endswith("/intake/") and not Event.objects.exists()  # Enter placed the point, sent nothing


def test_typed_text_that_is_no_pair_of_numbers_says_so_and_leaves_no_place(live_district, page_as):
    page = page_as(live_district.users["call_taker"], viewport=DESKTOP)
    page.goto("/intake/")
    page.locator("details summary").click()
    type_coordinates(page, "113.2655, 23.1255")
    page.get_by_test_id("point-text").filter(has_text="23.1255000").wait_for()
    for text in ("１１３.２６５５, 23.1255", "113.2655", "中山五路", "0x71, 23.1255", "1.1e2, 23.1255"):
        type_coordinates(page, text)
        page.get_by_test_id("point-text").filter(has_text="坐标无法识别").wait_for()
        assert page.locator("#lng").input_value() == "" and page.locator("#lat").input_value() == ""
