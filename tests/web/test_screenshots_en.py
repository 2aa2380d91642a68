"""Every page, as each role's demo user sees it, in English at phone and desk size (see test_screenshots.py)."""

import pytest

from tests.web.test_screenshots import walk

pytestmark = pytest.mark.browser


def test_every_page_of_every_role_in_english_at_phone_and_desk_size(live_server, browser, transactional_db, media_tmp):
    walk("en", live_server, browser)
