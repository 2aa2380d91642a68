"""The tiny district and duty classes (tests/water) and the headless-Chromium fixtures of tests/web."""

from tests.water.conftest import areas, duty_classes  # noqa: F401
from tests.web.conftest import browser, new_context, screenshot, sign_in  # noqa: F401

__all__ = ["areas", "browser", "duty_classes", "new_context", "screenshot", "sign_in"]
