"""Signing in through the form, landing on the worker's home, switching language, the reports page."""

import pytest

pytestmark = pytest.mark.browser


def test_worker_signs_in_lands_home_and_switches_to_english(live_district, new_context, screenshot):
    page = new_context().new_page()
    page.goto("/worker/reports/")
    assert page.url.endswith("/accounts/login/?next=/worker/reports/")
    screenshot(page, "login")
    page.get_by_label("用户名").fill("worker")
    page.get_by_label("密码").fill("pw")
    page.get_by_test_id("sign-in").click()
    page.wait_for_url("**/worker/reports/")
    assert "worker" in page.get_by_test_id("current-user").inner_text()
    assert "网格员" in page.get_by_test_id("current-user").inner_text()
    screenshot(page, "worker-reports")

    page.get_by_role("button", name="EN").click()
    page.wait_for_url("**/worker/reports/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="My reports").is_visible()
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/accounts/login/")


def test_controls_reachable_by_keyboard_and_large_enough(live_district, page_as):
    """Every visible control of the report form has a label and a 44 px touch target (phone viewport)."""
    page = page_as(live_district.users["worker"])
    page.goto("/worker/report/")
    page.get_by_test_id("class-1102").wait_for()
    small = page.evaluate("""() => [...document.querySelectorAll('main button, main a.button, main select, main input:not([type=file]):not([type=checkbox]), main textarea, main label.button')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert small == []
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('main input, main select, main textarea')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id)""")
    assert unlabeled == []
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
