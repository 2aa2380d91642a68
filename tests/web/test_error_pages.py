"""403 and 404 pages: in the base layout with its menu, in the reader's language, saying why and the way back."""

import pytest
from django.test import Client


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("language, title, reason, home", [
    ("zh-hans", "您无法打开此页面", "此页面供以下角色使用：", "前往您的首页：我的网格"),
    ("en", "You cannot open this page", "This page is for: ", "Go to your start page: My grid"),
])
def test_a_worker_refused_the_console_is_told_who_it_is_for_and_led_home(small_district, settings, language, title,
                                                                         reason, home):
    settings.DEBUG = False  # as in production
    response = client_for(small_district.users["worker"], language).get("/console/")
    page = response.content.decode()
    assert response.status_code == 403 and response.templates[0].name == "403.html"
    assert f'lang="{language.replace("hans", "Hans")}"' in page or f'lang="{language}"' in page
    assert title in page and reason in page and home in page and 'href="/worker/"' in page
    assert 'href="/water/patrol/"' in page  # the worker's own menu, from the base layout
    assert ("派遣员" if language == "zh-hans" else "Dispatcher") in page


def test_a_handler_refused_the_dashboard_is_told_it_needs_an_area(small_district, settings):
    settings.DEBUG = False
    response = client_for(small_district.users["handler"], "zh-hans").get("/dashboard/")
    page = response.content.decode()
    assert response.status_code == 403 and "您的角色均不覆盖任何区域" in page
    assert 'href="/department/"' in page and "前往您的首页：" in page


@pytest.mark.parametrize("language, title", [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_an_unknown_address_is_a_page_in_the_layout(small_district, settings, language, title):
    settings.DEBUG = False
    response = client_for(small_district.users["dispatcher"], language).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404 and title in page and 'href="/console/"' in page


def test_signed_out_readers_are_offered_the_sign_in(db, settings):
    settings.DEBUG = False
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404 and 'data-testid="error-home"' in response.content.decode()
    assert "/accounts/login/" in response.content.decode()


def test_the_refusal_looks_like_the_rest_of_the_app(live_district, page_as, screenshot):
    page = page_as(live_district.users["worker"])
    page.goto("/console/")
    page.get_by_test_id("error-403").wait_for()
    assert page.locator("header nav a[href='/worker/']").is_visible()  # the reader's own menu
    home = page.get_by_test_id("error-home")
    assert home.is_visible() and home.get_attribute("href") == "/worker/"
    screenshot(page, "error-403-worker")
    home.click()
    page.wait_for_url("**/worker/")
