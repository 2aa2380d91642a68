"""The jurisdiction matrix: every read and write path × every kind of caller, failing on any leak.

Paths come from the URL conf (walked at run time, so a new path is tested
or must be named in ``EXEMPT`` with the reason). Callers: grid workers of
two grids, street supervisors of two streets, handlers of two departments,
a signed-in user without a role, an integration API key, anonymous.

The world (tests/cases/conftest.py ``world``: streets/grids A and B,
departments d1 and d2) holds five reports with their cases, each with a
unique marker in its text and a photo:

====  ======  ==========  =====================================
name  grid    department  state
====  ======  ==========  =====================================
A1    A       d1          dispatched
A2    A       d1          handled (with a feedback photo)
B1    B       d2          dispatched
B2    B       d2          handled (with a feedback photo)
K     A       none        reported through the API key
====  ======  ==========  =====================================

The oracle (``VISIBLE``) is written here by hand from the rules, not read
from the code under test. A leak is: a marker, photo name or (on aggregate
paths) area code of an object outside the caller's scope in any answer; a
2xx for an out-of-scope object on a detail path; or any change to an
out-of-scope object (version, history, attachments, postponements, other
users' notifications) after any request.
"""

import io
import re

import pytest
from PIL import Image
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.cases.models import Case, Notification
from gridmgmt.events.api_keys import api_key_create
from gridmgmt.events.models import Event, EventPhoto
from gridmgmt.web import console, department
from tests.cases.conftest import media_in_tmp, photo, users, world  # noqa: F401

CALLERS = ("workerA", "workerB", "street_supA", "street_supB", "handler1", "handler2", "nobody", "api_key",
           "anonymous")
VISIBLE = {
    "workerA": {"A1", "A2", "K"}, "workerB": {"B1", "B2"},
    "street_supA": {"A1", "A2", "K"}, "street_supB": {"B1", "B2"},
    "handler1": {"A1", "A2"}, "handler2": {"B1", "B2"},
    "nobody": set(), "anonymous": set(), "api_key": {"K"},
}
OBJECTS = ("A1", "A2", "B1", "B2", "K")
# Paths not in the matrix, and why.
EXEMPT = {
    "admin/": "Django admin: staff only (is_staff), none of the callers is staff",
    "api/schema/": "the OpenAPI document: no records", "api/docs/": "Swagger UI: no records",
    "jsi18n/": "translations", "i18n/setlang/": "language switch", "sw.js": "service worker script",
    "accounts/login/": "sign-in form", "accounts/logout/": "sign-out", "healthz": "health check: no records",
    "api/sensors/readings": "sensor readings authenticated by a sensor's own key: no reports or cases",
    "api/patrols/": "a grid worker's own patrol record (water app): creates, reads nothing",
    "water/<str:code>/": "water body file; its reports go through scope_of (gridmgmt/water/selectors.py); "
                         "the matrix world has no water body",
    "duties/reports/<int:pk>.<str:kind>": "stored monthly report files; the matrix world has none",
}
# Pages about one grid (reference data for every role; their cases are scoped): a 200 is no leak in itself.
AREA_PAGES = ("duties/grids/",)
# Aggregate paths: counts per area, so an out-of-scope area's code must not appear at all.
AGGREGATE = ("api/kpis/", "api/maps/open-cases-by-grid/", "api/maps/report-hexbins/", "api/maps/traffic-cases/",
             "api/maps/open-cases-tiles/", "api/maps/open-cases-summary/", "api/maps/grids/", "console/kpis/", "dashboard", "api/duties/", "duties/grids/")
WIDE = "start=2000-01-01&end=2099-12-31"
QUERIES = {
    "api/kpis/": [f"dimension={d}&{WIDE}" for d in ("grid", "street", "department", "grid_worker")]
    + [f"dimension=grid&{WIDE}&format=csv"],
    "console/kpis/": [f"dimension=grid&{WIDE}", f"dimension=grid&{WIDE}&format=csv"],
    "console/kpis/patrols.csv": [f"dimension=grid&{WIDE}", f"dimension=grid_worker&{WIDE}"],
    "api/events/": ["limit=5000"],
    "api/events/duplicates": ["lat=23.125&lng={lng_a}&service_code=1101",
                              "lat=23.125&lng={lng_b}&service_code=1101"],
    "api/maps/report-hexbins/": ["days=3660&zoom=14"],
    "api/maps/open-cases-tiles/": ["z=12&x=3336&y=1777", "z=14&x=13347&y=7109"],  # tiles holding grids A and B
    "api/duties/traffic/segments/": [WIDE],
    "open311/v2/requests.json": ["", "service_request_id={all_event_ids}", "start_date=2000-01-01T00:00:00Z"],
    "api/cases/": ["limit=500"],
}


def routes():
    """(route, methods to try) of every URL pattern, resolvers flattened."""
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), methods(prefix + str(p.pattern), p.callback)
    return list(walk(get_resolver().url_patterns))


def methods(route: str, callback) -> set[str]:
    """GET and/or POST: a class-based view says which it has; function views are tried with both,
    except the form posts (steps, bulk actions) that only take POST."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {m for m in ("get", "post") if hasattr(view_class, m)}
    if "<str:step>" in route or route.endswith(("dispatch-bulk/", "read-all/")):
        return {"post"}
    return {"get", "post"}


def exempt(route: str) -> bool:
    return any(route == e or (e.endswith("/") and route.startswith(e) and e == "admin/") for e in EXEMPT)


@pytest.fixture
def matrix(world, users, client_as_session, settings):
    """The five reports and cases in their states, the callers, and each object's markers."""
    settings.PHOTO_ACCEL_REDIRECT = ""
    make_user = get_user_model().objects.create_user
    extra = {"street_supB": (Role.STREET_SUPERVISOR, {"street": world["B"]["street"]}), "nobody": (None, {})}
    for name, (role, scope) in extra.items():
        users[name] = make_user(name, f"{name}@example.org", "pw")
        if role:
            RoleAssignment.objects.create(user=users[name], role=role, **scope)
    _, raw_key = api_key_create(name="integration", channel="api")
    objects = {}
    for name in ("A1", "A2", "B1", "B2"):
        event = make_event_for(world, users, name[0])
        objects[name] = event
    key_client = APIClient()
    key_client.credentials(HTTP_X_API_KEY=raw_key)
    answer = key_client.post("/api/events/", {"service_code": "1101", "lat": 23.125,
                                              "lng": world["A"]["grid"].polygon.centroid.x}, format="json")
    assert answer.status_code == 201, answer.content
    objects["K"] = Event.objects.get(pk=answer.json()["id"])
    Event.objects.filter(pk=objects["K"].pk).update(department=None)
    for name, event in objects.items():
        marker = f"MARK{name}x{event.pk}Q"
        Event.objects.filter(pk=event.pk).update(description=marker, address=marker)
        Case.objects.filter(sources__event=event).update(description=marker)
        record = EventPhoto(event=event, content_type="image/png", size_bytes=1)
        record.image.save("p.png", photo())
    staff = client_as_session
    for name, dept in (("A1", "CG"), ("A2", "CG"), ("B1", "SW"), ("B2", "SW")):
        case = Case.objects.get(sources__event=objects[name])
        assert staff("call_taker").post(f"/api/cases/{case.pk}/open/", {"version": 1}, format="json").status_code == 200
        assert staff("dispatcher").post(f"/api/cases/{case.pk}/dispatch/", {
            "version": 2, "department": dept, "reason": "matrix"}, format="json").status_code == 200
        if name.endswith("2"):
            handler = "handler1" if dept == "CG" else "handler2"
            assert staff(handler).post(f"/api/cases/{case.pk}/accept/", {"version": 3}, format="json").status_code == 200
            assert staff(handler).post(f"/api/cases/{case.pk}/handle/", {
                "version": 4, "feedback": "done", "photos": [photo()]}, format="multipart").status_code == 200
    cases = {name: Case.objects.get(sources__event=event) for name, event in objects.items()}
    markers = {name: {f"MARK{name}x{event.pk}Q", *EventPhoto.objects.filter(event=event).values_list("image", flat=True),
                      *cases[name].history.filter(attachments__isnull=False).values_list("attachments__file", flat=True)}
               for name, event in objects.items()}
    clients = {}
    for caller in CALLERS:
        client = APIClient()
        if caller == "api_key":
            client.credentials(HTTP_X_API_KEY=raw_key)
        elif caller != "anonymous":
            client.force_login(users[caller])
        clients[caller] = client
    return {"events": objects, "cases": cases, "markers": markers, "clients": clients, "users": users,
            "world": world}


def make_event_for(world, users, letter):
    place = world[letter]
    return Event.objects.create(
        small_class=world["rubbish"], location=place["grid"].polygon.centroid, grid=place["grid"],
        community=place["community"], street=place["street"], grid_code=place["grid"].code,
        community_code=place["community"].code, street_code=place["street"].code,
        department=world["d1" if letter == "A" else "d2"], routing_status="routed",
        reporter=users[f"worker{letter}"], channel="worker_app")


@pytest.fixture
def client_as_session(users):
    def login(name):
        client = APIClient()
        client.force_login(users[name])
        return client
    return login


def fingerprint(m, hidden: set[str], owner) -> tuple:
    """State of the objects the caller must not touch (and other users' notifications)."""
    ids = [m["cases"][n].pk for n in hidden] or [0]
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT (SELECT coalesce(sum(version), 0) || ':' || string_agg(status, ',' ORDER BY id)
                      FROM cases_case WHERE id = ANY(%s)),
                   (SELECT count(*) FROM cases_casehistory WHERE case_id = ANY(%s)),
                   (SELECT count(*) FROM cases_caseattachment a JOIN cases_casehistory h ON h.id = a.history_id
                     WHERE h.case_id = ANY(%s)),
                   (SELECT count(*) FROM cases_postponement WHERE case_id = ANY(%s)),
                   (SELECT count(*) FROM cases_notification WHERE read_at IS NOT NULL AND user_id <> %s),
                   (SELECT count(*) FROM cases_caseevent WHERE case_id = ANY(%s))""",
                       [ids, ids, ids, ids, getattr(owner, "pk", 0) or 0, ids])
        return cursor.fetchone()


def fill(route: str, m):
    """Concrete (url, target object or None) pairs for a route; None when a parameter has no provider."""
    events, cases = m["events"], m["cases"]
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in params]
    if not names:
        return [(route, None)]
    if route.startswith("open311/v2/^services/"):
        return [(substitute(route, {"code": "1101", "fmt": "json"}), None)]
    out = []
    for name in OBJECTS:
        values = {"case_id": cases[name].pk, "pk": events[name].pk, "request_id": events[name].pk,
                  "event_id": events[name].pk,
                  "token": events[name].token, "fmt": "json"}
        if "name" in names:
            for stored in sorted(m["markers"][name] - {f"MARK{name}x{events[name].pk}Q"}):
                out.append((route.replace("<path:name>", stored), name))
            continue
        if "code" in names:  # grid pages and summaries (maps, grid file): the object's grid
            values["code"] = events[name].grid_code
        if "notification_id" in names:
            continue
        if "step" in names:
            steps = console.STEPS if route.startswith("console/") else department.STEPS
            for step in steps:
                out.append((substitute(route, {**values, "step": step}), name))
            continue
        if set(names) - set(values):
            return None
        out.append((substitute(route, values), name))
    if "notification_id" in names:
        for note in Notification.objects.select_related("user"):
            owner = next((c for c in CALLERS if c in m["users"] and m["users"][c].pk == note.user_id), None)
            out.append((route.replace("<int:notification_id>", str(note.pk)), f"note:{owner}"))
    return out


def substitute(route: str, values: dict) -> str:
    """The route with its parameters filled in: regex groups (``(?P<fmt>xml|json)``) first, since the
    converter pattern would also match the ``<fmt>`` inside them (every Open311 path was requested as
    ``requests.(?Pjsonxml|json)``, a 404, and none of its answers was ever checked)."""
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda g: str(values[g.group(1)]), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda g: str(values[g.group(1)]), url)
    return url.replace("^", "").replace("$", "").replace("\\.", ".")


def body_for(m, target: str | None, caller: str) -> dict:
    """A POST body that every workflow step would accept from a role holding the case."""
    world = m["world"]
    hidden = [n for n in OBJECTS if n not in VISIBLE[caller]]
    case = m["cases"][target] if target in m["cases"] else None
    # The current versions in one query (a query per case made a half of the matrix 10.4 s here, not 8.5 s).
    versions = dict(Case.objects.filter(pk__in=[c.pk for c in m["cases"].values()]).values_list("pk", "version"))
    version = versions[case.pk] if case else 1
    refs = [m["cases"][n].pk for n in hidden]
    centre = (case.location if case else world["A"]["grid"].polygon.centroid)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    buffer.name = "p.png"
    return {"version": version, "note": "matrix", "reason": "matrix", "department": "CG", "feedback": "done",
            "passed": "true", "lat": centre.y, "lng": centre.x, "value": 1, "unit": "working_days",
            "approve": "true", "handler": m["users"]["handler1"].pk, "photos": buffer,
            "other": [f"{pk}:{versions[pk]}" for pk in refs], "case": [f"{pk}:{versions[pk]}" for pk in refs]}


def leaks_in(text: str, m, caller: str, route: str, status: int) -> list[str]:
    hidden = [n for n in OBJECTS if n not in VISIBLE[caller]]
    found = [marker for n in hidden for marker in m["markers"][n] if marker in text]
    # Area codes count only in successful aggregate answers not about a grid named in the URL
    # (an error message names the code that was asked for).
    if route.startswith(AGGREGATE) and status < 400 and "<str:code>" not in route:
        seen_areas = {m["events"][n].grid_code for n in VISIBLE[caller]}
        for letter in "AB":
            place = m["world"][letter]
            if place["grid"].code not in seen_areas and (place["grid"].code in text
                                                         or f'"{place["street"].code}"' in text):
                found.append(f"area {letter}")
    return found


def run_matrix(m, only: tuple[str, ...] | None = None, half: int | None = None):
    """Every (route, caller, target, query) request; returns (tested routes, untested routes, requests, failures,
    routes found: that answered anything but 404 to some request). ``half`` 0 or 1: every other route only, so
    the matrix runs as two tests in two files, which the suite's processes take one each (the matrix alone
    took 54-105 s)."""
    tested, untested, requests, failures, found = [], [], 0, [], set()
    lng = {k: m["world"][k]["grid"].polygon.centroid.x for k in "AB"}
    fmt = {"lng_a": lng["A"], "lng_b": lng["B"], "all_event_ids": ",".join(str(e.pk) for e in m["events"].values())}
    for index, (route, can) in enumerate(routes()):
        if exempt(route) or (only and route not in only) or (half is not None and index % 2 != half):
            continue
        concrete = fill(route, m)
        if concrete is None:
            untested.append(route)
            continue
        tested.append(route)
        for caller in CALLERS:
            client, owner = m["clients"][caller], m["users"].get(caller)
            hidden = {n for n in OBJECTS if n not in VISIBLE[caller]}
            for url, target in concrete:
                queries = QUERIES.get(url, [""]) if target is None else [""]
                out_of_scope = target in hidden or (isinstance(target, str) and target.startswith("note:")
                                                    and target != f"note:{caller}")
                if "get" not in can and not (target is None or out_of_scope):
                    continue  # a write to an object the caller may see: not a leak question
                for query in queries:
                    full = "/" + url + ("?" + query.format(**fmt) if query else "")
                    before, problems = fingerprint(m, hidden, owner), []
                    if "get" in can:
                        answer = client.get(full)
                        requests += 1
                        if answer.status_code != 404:
                            found.add(route)
                        text = b"".join(answer.streaming_content) if answer.streaming else answer.content
                        problems += leaks_in(text.decode("utf-8", "replace"), m, caller, route, answer.status_code)
                        if (out_of_scope and 200 <= answer.status_code < 300
                                and not route.startswith(("open311/", *AREA_PAGES))):
                            problems.append(f"GET answered {answer.status_code}")
                        if answer.status_code >= 500:
                            problems.append(f"GET 5xx {answer.status_code}")
                    if "post" in can and (target is None or out_of_scope):
                        answer = client.post(full, body_for(m, target, caller), format="multipart")
                        requests += 1
                        if answer.status_code != 404:
                            found.add(route)
                        text = answer.content.decode("utf-8", "replace") if not answer.streaming else ""
                        problems += [f"POST {p}" for p in leaks_in(text, m, caller, route, answer.status_code)]
                        if answer.status_code >= 500:
                            problems.append(f"POST 5xx {answer.status_code}")
                    if fingerprint(m, hidden, owner) != before:
                        problems.append("an out-of-scope object changed")
                    if problems:
                        failures.append(f"{caller} {full} [{target}]: {problems}")
    return tested, untested, requests, failures, found


def test_no_caller_reads_or_changes_anything_outside_its_jurisdiction_first_half(matrix, record_property, capsys):
    check_matrix(matrix, 0, record_property, capsys)


def check_matrix(matrix, half: int, record_property, capsys) -> None:
    """Half the matrix's routes (the other half: test_jurisdiction_matrix_second_half.py), asserting no leak."""
    tested, untested, requests, failures, found = run_matrix(matrix, half=half)
    counts = (f"jurisdiction matrix, half {half + 1} of 2: {len(tested)} paths x {len(CALLERS)} callers, {requests} requests, "
              f"{len(EXEMPT)} exempt, {len(untested)} without a parameter provider")
    record_property("matrix", counts)
    with capsys.disabled():
        print("\n" + counts)
    assert not untested, f"new paths with parameters the matrix cannot fill: {untested} (add a provider or EXEMPT)"
    assert not failures, "\n".join(failures[:50])
    # A path every request misses checks nothing (the Open311 paths once did: their URLs were built wrong).
    missed = [r for r in tested if r not in found]
    assert not missed, f"paths that answered 404 to every request: {missed}"


def test_the_matrix_catches_a_scope_that_fails_open(matrix, monkeypatch):
    """With the one rule broken to "everything" (the old "no user = all" bug), the matrix reports leaks."""
    from django.db.models import Q

    from gridmgmt.accounts.jurisdiction import Scope

    monkeypatch.setattr(Scope, "q", lambda self, **kwargs: Q())
    monkeypatch.setattr(Scope, "covers", lambda self, record=None, **codes: True)
    _, _, requests, failures, _ = run_matrix(matrix, only=("api/events/", "api/events/<int:pk>/",
                                                       "api/events/duplicates", "media/<path:name>"))
    leaking = {line.split()[0] for line in failures}
    assert {"workerA", "workerB", "handler2", "nobody", "api_key", "anonymous"} <= leaking, failures[:5]
