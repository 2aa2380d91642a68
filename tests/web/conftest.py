"""Shared fixtures of the web tests: a small district, users per role, a real headless Chromium.

The district (real PostGIS, hand-checkable)::

    lat 23.13 +-----------+-----------+
              | grid ..01 | grid ..02 |   one street 440104001, one community
              | (worker)  | (other)   |   440104001001, district 440104
    lat 23.12 +-----------+-----------+
         lng 113.26    113.27      113.28

``WORKER_GPS`` lies inside grid 01. Browser tests use Debian's Chromium
(nothing downloads a browser), a 375×812 phone context with that position
granted, and a guard that aborts and records any request to a non-local
address (``context.blocked``): the app must work on a closed network.
"""

import io
import os
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from gridmgmt.accounts.models import Role
from gridmgmt.events.models import BigClass, SmallClass
from tests import factories
from tests.factories import user as make_user

# Playwright's sync API runs an event loop in this thread; Django's ORM
# refuses to run in a thread with a loop unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1440, "height": 900}
WORKER_GPS = {"latitude": 23.125, "longitude": 113.265}  # inside grid 44010400100101
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def png_bytes(color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "PNG")
    return buffer.getvalue()


def build_small_district() -> SimpleNamespace:
    whole = (113.26, 23.12, 113.28, 23.13)
    district = factories.district(whole, name_en="Yuexiu")
    street = factories.street(district, whole)
    community = factories.community(street, whole, name="三眼井社区")
    generation = factories.grid_generation()
    grids = [factories.grid(community, (113.26 + 0.01 * (n - 1), 23.12, 113.27 + 0.01 * (n - 1), 23.13), sequence=n,
                            generation=generation, households=180, residents=450, area_m2=1.1e6) for n in (1, 2)]
    department = factories.department("HW", "环卫所", name_en="Sanitation")
    big = BigClass.objects.create(code="11", kind="event", name="市容环境", name_en="City appearance")
    emergency = BigClass.objects.create(code="15", kind="event", name="突发事件", name_en="Emergencies")
    rubbish = SmallClass.objects.create(big_class=big, code="1102", name="暴露垃圾", name_en="Exposed rubbish",
                                        keywords="垃圾 rubbish", default_department=department,
                                        time_limit_value=4, time_limit_unit="working_hours")
    waterlogging = SmallClass.objects.create(
        big_class=emergency, code="1503", name="道路积水", name_en="Waterlogging", default_department=department,
        time_limit_value=4, time_limit_unit="working_hours",
        attributes=[{"code": "depth_cm", "datatype": "number", "required": True, "order": 1,
                     "description": "积水深度 (cm)"}])
    users = {
        "worker": make_user("worker", Role.GRID_WORKER, grid_code=grids[0].code),
        "worker2": make_user("worker2", Role.GRID_WORKER, grid_code=grids[1].code),
        "call_taker": make_user("call_taker", Role.CALL_TAKER),
        "dispatcher": make_user("dispatcher", Role.DISPATCHER),
        "handler": make_user("handler", Role.DEPARTMENT_HANDLER, department=department),
        "nobody": make_user("nobody"),
    }
    return SimpleNamespace(district=district, street=street, community=community, grids=grids,
                           department=department, rubbish=rubbish, waterlogging=waterlogging, users=users)


@pytest.fixture
def media_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def small_district(db, media_tmp) -> SimpleNamespace:
    return build_small_district()


@pytest.fixture
def live_district(transactional_db, media_tmp) -> SimpleNamespace:
    """The small district for browser tests: committed rows the live server's thread can see."""
    return build_small_district()


@pytest.fixture(autouse=True)
def photos_through_the_view(monkeypatch):
    """Every photo request reaches the app's photo view, as in production.

    Django's live server serves ``MEDIA_URL`` straight from ``MEDIA_ROOT``
    (its private ``_MediaFilesHandler``), which would skip the jurisdiction
    check; every browser test sees photos as a reader in production does (the
    running server reads the method per request).
    """
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


def guard_requests(context) -> list[str]:
    """Aborts every request to a non-local address and returns the list it records them in."""
    blocked: list[str] = []

    def route(route):
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    return blocked


def _wait_for_live_server_queries(django_db_blocker, timeout_s: float = 15.0) -> None:
    """Returns once no other connection to the test database is in a query or a transaction.

    A page closed while its requests were in flight leaves the live server's threads finishing them;
    the database flush after a transactional test then locked tables in another order than such a
    request and PostgreSQL broke the deadlock by failing the flush (seen in CI: a dashboard's tile
    request against the flush, then every later module's demo load hit the rows left behind).
    """
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.fixture
def new_context(browser, live_server, django_db_blocker):
    """Factory of browser contexts on the live server: phone size, GPS granted, outside requests blocked.

    ``service_workers="block"`` is the default because Playwright's routes do
    not see requests a service worker makes; the offline tests allow them.
    """
    made = []

    def make(*, viewport=PHONE, service_workers="block", geolocation=WORKER_GPS, locale="zh-CN", timezone_id=None):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, geolocation=geolocation, permissions=["geolocation"],
            locale=locale, service_workers=service_workers, timezone_id=timezone_id)
        context.blocked = guard_requests(context)
        context.set_default_timeout(15000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    if made:
        _wait_for_live_server_queries(django_db_blocker)


def sign_in(context, user, live_server) -> None:
    """Puts a session cookie for ``user`` into the browser context (the sign-in form has its own test)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.fixture
def page_as(new_context, live_server):
    """A page signed in as ``user`` (a fresh context per call)."""

    def make(user, **context_options):
        context = new_context(**context_options)
        sign_in(context, user, live_server)
        return context.new_page()

    return make


@pytest.fixture
def screenshot():
    """Saves the page at phone and desktop size: artifacts/screenshots/<name>-phone.png and -desktop.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> None:
        size = page.viewport_size
        has_map = page.locator(".leaflet-container").count() > 0
        for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            if has_map:  # a page without a map has nothing to redraw (the screenshot lays the page out itself)
                page.wait_for_timeout(300)  # let Leaflet redraw for the new size
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(size)

    return shoot
