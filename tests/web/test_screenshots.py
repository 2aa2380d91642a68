"""Every page, as each role's demo user sees it, in both languages at phone and desk size: saved and checked.

The district is the demo's in small: the demo community 三眼井社区
(440104001007) with two grids, the real catalogue, the demo sign-ins
(:func:`gridmgmt.accounts.demo_users.demo_users_create`), the synthetic duty
layers and the month of demo cases. One browser; one context per role and
language; every page loaded fresh at 375×812 and at 1440×900 and saved as
``artifacts/screenshots/<lang>-<width>x<height>-<page>.png`` (git-ignored).

Checked on every load: the page answers 200 at the address asked (no
sign-in redirect), nothing is written to the browser's console as an error
and no script fails, nothing is fetched from outside, at 375 px nothing is
wider than the screen (no sideways scroll), and in English no Chinese is
left but what :func:`tests.web.test_english_pages.untranslated` allows (names
marked ``lang="zh-Hans"``, glossed terms) and text people typed (a report's
description and address, a note), shown as typed.
"""

import io
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse

from fixtures.yuexiu.demo_cases import demo_cases_load
from gridmgmt.accounts.demo_users import DEMO_COMMUNITY, demo_users_create
from gridmgmt.cases import services
from gridmgmt.cases.models import Case, CaseHistory, Postponement
from gridmgmt.duties.demo import duties_demo_load
from gridmgmt.events.models import Event
from gridmgmt.events.services import event_create
from gridmgmt.water.models import WaterBody
from gridmgmt.water.patrols import patrol_rules_ensure
from tests import factories
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, guard_requests, sign_in
from tests.web.test_english_pages import untranslated

pytestmark = pytest.mark.browser

LANGUAGES = {"zh": ("zh-hans", "zh-CN"), "en": ("en", "en-US")}  # name in the file → (Django's code, browser locale)
SIZES = (PHONE, DESKTOP)

# (page in the file name, role's demo user or None for nobody signed in, URL name, its arguments from the world)
PAGES = [
    ("landing", None, "web:landing", None),
    ("sign-in", None, "web:login", None),
    ("worker-home", "worker", "web:worker-home", None),
    ("worker-report", "worker", "web:worker-report", None),
    ("worker-reports", "worker", "web:worker-reports", None),
    ("worker-report-detail", "worker", "web:worker-report-detail", lambda w: {"event_id": w.own_report}),
    ("worker-verify", "worker", "web:worker-verify", lambda w: {"case_id": w.verify_case.pk}),
    ("worker-fixed", "worker", "web:worker-fixed", lambda w: {"case_id": w.own_case.pk}),
    ("worker-offline", "worker", "web:worker-offline", None),
    ("worker-offline-signed-in", "worker", "web:worker-offline-signed-in", None),
    ("gis-field", "worker", "gis:field", None),
    ("water-patrol", "worker", "water-patrol", None),
    ("grid-file", "worker", "grid-file", lambda w: {"code": w.grid_code}),
    ("intake", "calltaker", "web:intake", None),
    ("console", "calltaker", "web:console", None),
    ("console-case", "dispatcher", "web:console-case", lambda w: {"case_id": w.console_case.pk}),
    ("notifications", "dispatcher", "web:notifications", None),
    ("kpis", "shiftleader", "web:console-kpis", None),
    ("department", "handler", "web:department", None),
    ("department-case", "handler", "web:department-case", lambda w: {"case_id": w.department_case.pk}),
    ("dashboard", "leader", "web:dashboard", None),
    ("dashboard-medical", "leader", "web:dashboard-medical", None),
    ("dashboard-traffic", "leader", "web:dashboard-traffic", None),
    ("dashboard-water", "leader", "web:dashboard-water", None),
    ("dashboard-environment", "leader", "web:dashboard-environment", None),
    ("duties", "leader", "duties", None),
    ("monthly-reports", "leader", "monthly-reports", None),
    ("water-body", "leader", "water-body", lambda w: {"code": w.water_body}),
    ("gis-editor", "gis", "gis:editor", None),
    ("gis-import", "gis", "gis:import", None),
    ("gis-corrections", "gis", "gis:corrections", None),
    ("gis-history", "gis", "gis:history-page", lambda w: {"code": DEMO_COMMUNITY}),
    ("gis-history-latest", "gis", "gis:history-latest", None),
]
@dataclass(frozen=True)
class Problem:
    page: str
    kind: str  # http, landed, console, wider, case id, untranslated, outside
    detail: str


# Routes that are no page of their own: the API, Django's admin, files (CSV, JSON, scripts), POST-only steps,
# redirects.
NOT_PAGE_PREFIXES = ("api/", "admin/", "open311/", "gis/api/")
NOT_PAGE_SUFFIXES = (".csv", ".json", ".geojson", ".js", ".<str:kind>", "healthz")
NOT_PAGES = {"photo", "web:jsi18n", "web:set_language", "web:logout", "web:intake-places", "web:console-dispatch-bulk",
             "web:console-step", "web:department-step", "web:notifications-read-all", "web:notification-open"}


def page_routes() -> set[str]:
    """Qualified names of the URL conf's routes outside the API and the admin, which is Django's own."""

    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, route)
            elif not route.startswith(NOT_PAGE_PREFIXES) and not route.endswith(NOT_PAGE_SUFFIXES):
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns)) - NOT_PAGES


def demo_world() -> SimpleNamespace:
    """The demo in small (see the module's docstring) and the records the pages with an id show."""
    call_command("load_catalogue", stdout=io.StringIO())
    whole = (113.26, 23.12, 113.28, 23.13)
    district = factories.district(whole, name_en="Yuexiu")
    street = factories.street(district, whole, name_en="Hongqiao Subdistrict")
    community = factories.community(street, whole, code=DEMO_COMMUNITY, name="三眼井社区")
    generation = factories.grid_generation()
    grids = [factories.grid(community, (113.26 + 0.01 * (n - 1), 23.12, 113.27 + 0.01 * (n - 1), 23.13), sequence=n,
                            generation=generation, households=180, residents=450, area_m2=1.1e6) for n in (1, 2)]
    demo_users_create(password="screenshots")
    patrol_rules_ensure()  # rows a migration stores, gone after another transactional test's flush
    duties_demo_load(stdout=io.StringIO())
    demo_cases_load(stdout=io.StringIO(), community_code=DEMO_COMMUNITY)
    worker = get_user_model().objects.get(username="worker")
    own = event_create(small_class_code="0301", point=Point(113.265, 23.125, srid=4326), channel="worker_app",
                       description="垃圾中转站门口满溢", reporter=worker).event.case_source.case
    return SimpleNamespace(
        grid_code=grids[0].code, own_case=own, own_report=own.sources.get().event_id,
        department_case=_accepted_by("handler"),
        verify_case=Case.objects.filter(status="handled", verifier=worker).order_by("id").first(),
        console_case=Case.objects.filter(status="closed").order_by("id").first(),
        water_body=WaterBody.objects.order_by("code").values_list("code", flat=True).first(),
        case_ids=set(Case.objects.values_list("pk", flat=True)))


def _accepted_by(username: str) -> Case:
    """A hotline report of a class of the user's department, opened, dispatched and accepted by them."""
    users = get_user_model().objects
    case = event_create(small_class_code="0301", point=Point(113.272, 23.126, srid=4326), channel="hotline",
                        description="垃圾中转站污水外溢", address="越秀区法政路12号").event.case_source.case

    def ref():
        return {"case_id": case.pk, "version": Case.objects.get(pk=case.pk).version}

    services.case_open(**ref(), actor=users.get(username="calltaker"))
    services.case_dispatch(**ref(), actor=users.get(username="dispatcher"))
    services.case_accept(**ref(), actor=users.get(username=username))
    return Case.objects.get(pk=case.pk)


def bare_case_ids(html: str, case_ids: set[int]) -> list[str]:
    """Text that names a case by its database id ("Case 33", "案卷 33", "#33") where people read 2026-000033."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html[html.index("<body"):], flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    return [m.group(0) for m in re.finditer(r"(?:\bCase|案卷|#)\s*(\d{1,7})\b(?!-)", text)
            if int(m.group(1)) in case_ids]


def typed_texts() -> list[str]:
    """Text people typed (descriptions, addresses, notes, reasons): shown as typed in either language."""
    texts = {*Event.objects.values_list("description", flat=True), *Event.objects.values_list("address", flat=True),
             *Case.objects.values_list("description", flat=True), *CaseHistory.objects.values_list("note", flat=True),
             *Postponement.objects.values_list("reason", flat=True)}
    return sorted((t for t in texts if t.strip()), key=len, reverse=True)  # the longest first: no part left behind


def settle(page, pending: set) -> None:
    """Waits until the page is loaded, no request of it is open and two frames have been drawn, twice over
    (a response's handler may ask for the next layer)."""
    page.wait_for_load_state("load")
    for _round in range(2):
        page.wait_for_function("() => document.readyState === 'complete'")
        while pending:
            page.wait_for_timeout(10)  # lets Playwright deliver the requests' end events
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def wider_than_the_screen(page) -> list[str]:
    """At a phone's width: [] when nothing scrolls sideways, else (some of) the elements that stick out."""
    return page.evaluate("""() => {
        const width = window.innerWidth;
        if (document.scrollingElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(-5).map(e => `${e.tagName.toLowerCase()}.${e.className} right=${e.getBoundingClientRect().right}`);
    }""")


def open_page(page, path: str, watch: SimpleNamespace):
    watch.errors.clear()
    response = page.goto(path)
    settle(page, watch.pending)
    return response


def watched(context) -> tuple:
    """A page of ``context`` whose console errors, script errors and open requests are recorded."""
    page = context.new_page()
    watch = SimpleNamespace(errors=[], pending=set())
    page.on("console", lambda message: message.type == "error" and watch.errors.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: watch.errors.append(f"script: {error}"))
    page.on("request", lambda request: watch.pending.add(request))
    page.on("requestfinished", lambda request: watch.pending.discard(request))
    page.on("requestfailed", lambda request: watch.pending.discard(request))
    return page, watch


def test_every_page_route_is_in_the_walk():
    """A page added to the URL conf without a screenshot fails here (or is named as no page in NOT_PAGES)."""
    assert page_routes() == {url_name for _n, _u, url_name, _a in PAGES}


def test_every_page_of_every_role_in_chinese_at_phone_and_desk_size(live_server, browser, transactional_db, media_tmp):
    walk("zh", live_server, browser)


def walk(lang: str, live_server, browser) -> None:
    """Every page of :data:`PAGES` in one language, at both sizes, checked and saved; asserts nothing was found.

    One language per test, each in a file of its own (the English walk is in
    ``test_screenshots_en.py``): the test processes take a file each, and
    the two walks are the suite's longest tests.
    """
    django_code, locale = LANGUAGES[lang]
    world = demo_world()
    users = {u.username: u for u in get_user_model().objects.all()}
    typed = typed_texts()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems, shots = [], 0
    for role in dict.fromkeys(role for _n, role, _u, _a in PAGES):
        context = browser.new_context(base_url=live_server.url, locale=locale, service_workers="block",
                                      geolocation={"latitude": 23.125, "longitude": 113.265},
                                      permissions=["geolocation"])
        context.set_default_timeout(15000)
        context.add_cookies([{"name": "django_language", "value": django_code, "url": live_server.url}])
        if role is not None:
            sign_in(context, users[role], live_server)
        blocked = guard_requests(context)
        page, watch = watched(context)
        for name, page_role, url_name, arguments in PAGES:
            if page_role != role:
                continue
            path = reverse(url_name, kwargs=arguments(world) if arguments else None)
            for size in SIZES:
                page.set_viewport_size(size)
                response = open_page(page, path, watch)
                where = f"{lang} {size['width']} {path}"

                def found(kind: str, detail: str) -> None:
                    problems.append(Problem(name, kind, f"{where}: {detail}"))  # noqa: B023 (used at once)

                if response is None or response.status != 200:
                    found("http", f"HTTP {response and response.status}")
                if name != "landing" and not page.url.split("?")[0].endswith(path):
                    found("landed", f"landed on {page.url}")
                for error in watch.errors:
                    found("console", error)
                if size is PHONE:
                    for element in wider_than_the_screen(page):
                        found("wider", f"wider than 375 px: {element}")
                html = page.content()
                for bare in bare_case_ids(html, world.case_ids):
                    found("case id", f"a case shown by its id, not its number: {bare!r}")
                if lang == "en":
                    for text in typed:
                        html = html.replace(text, " ")
                    for line in untranslated(html):
                        found("untranslated", f"untranslated {line!r}")
                page.screenshot(path=str(SCREENSHOTS / f"{lang}-{size['width']}x{size['height']}-{name}.png"),
                                full_page=True)
                shots += 1
        problems += [Problem(role, "outside", f"{lang}: fetched from outside: {url}") for url in blocked]
        context.close()
    assert shots == len(PAGES) * len(SIZES)
    assert problems == [], "\n".join([*sorted({f"{p.page}: {p.kind}" for p in problems}), *(p.detail for p in problems)])


def test_the_checks_see_a_page_wider_than_a_phone_and_a_console_error(live_server, browser, transactional_db):
    """The walk's checks are not blind: an element wider than the screen and a console error are seen."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page, watch = watched(context)
    open_page(page, reverse("web:login"), watch)
    assert wider_than_the_screen(page) == [] and watch.errors == []
    page.evaluate("() => { const d = document.createElement('div'); d.className = 'too-wide';"
                  " d.style.width = '600px'; d.style.height = '1px'; document.body.append(d);"
                  " console.error('seen'); }")
    assert any(e.startswith("div.too-wide right=") for e in wider_than_the_screen(page))
    assert watch.errors == ["console: seen"]
    context.close()
    assert bare_case_ids('<body><style>b{color:#333}</style>Case 33 · 案卷 2026-000033 · #33</body>', {33, 333}) == [
        "Case 33", "#33"]
