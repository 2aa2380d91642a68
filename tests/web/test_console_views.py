"""Console, department, KPI and map pages through Django's test client: permissions, jurisdiction, steps.

Runs on the cases tests' tiny district (streets A and B, one grid each;
departments d1 城管局 and d2 水务局; one user per role).
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gridmgmt.cases.models import Case
from tests.cases.conftest import case_of, make_event, media_in_tmp, photo, users, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, users):
    def login(name: str, language: str | None = None):
        client.force_login(users[name])
        if language:  # else the site's zh-hans; refusals asserted in English ask for it
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return login


def post_step(client, case: Case, url: str, data: dict | None = None):
    version = Case.objects.get(pk=case.pk).version
    return client.post(url, {"version": version, **(data or {})}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- who may open which page ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/console/", "/console/kpis/", "/department/", "/dashboard/"])
def test_pages_send_anonymous_users_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who, path", [("handler1", "/console/"), ("workerA", "/console/"),
                                       ("dispatcher", "/department/"), ("handler1", "/dashboard/"),
                                       ("head1", "/dashboard/traffic/"), ("gis", "/dashboard/medical/")])
def test_roles_outside_a_page_get_403(as_user, who, path):
    assert as_user(who).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/medical/", "/dashboard/traffic/"])
def test_map_pages_open_for_area_roles_with_the_refresh_interval(as_user, settings, path):
    settings.GRIDMGMT_DASHBOARD_REFRESH_SECONDS = 17
    response = as_user("street_supA").get(path)
    assert response.status_code == 200 and 'data-refresh-seconds="17"' in response.content.decode()


# -- console list and filters -----------------------------------------------------------------------

def listed(response) -> list[int]:
    return [row["case"].pk for row in response.context["rows"]]


def test_console_lists_only_the_jurisdiction_of_a_street_supervisor(as_user, make_event, case_of):
    a, b = case_of(make_event("A")), case_of(make_event("B"))
    assert listed(as_user("dispatcher").get("/console/")) == [b.pk, a.pk]
    assert listed(as_user("street_supA").get("/console/")) == [a.pk]


def test_console_filters_by_status_grid_street_class_and_period(as_user, make_event, case_of, world):
    a, b = case_of(make_event("A")), case_of(make_event("B"))
    old = case_of(make_event("A", received_at=timezone.now() - timedelta(days=10)))
    Case.objects.filter(pk=a.pk).update(status="opened")
    client = as_user("dispatcher")
    assert listed(client.get("/console/?status=opened")) == [a.pk]
    assert listed(client.get(f"/console/?grid={world['B']['grid'].code}")) == [b.pk]
    assert sorted(listed(client.get(f"/console/?street={world['A']['street'].code}"))) == [a.pk, old.pk]
    assert len(listed(client.get("/console/?class_code=11"))) == 3
    assert listed(client.get("/console/?class_code=2202")) == []
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert listed(client.get(f"/console/?received_from={day}&received_to={day}")) == [old.pk]


def test_console_highlights_and_filters_overdue_and_near_deadline_cases(as_user, make_event, case_of):
    now = timezone.now()
    late, soon, fine = (case_of(make_event("A")) for _ in range(3))
    Case.objects.filter(pk=late.pk).update(status="dispatched", deadline=now - timedelta(hours=1))
    Case.objects.filter(pk=soon.pk).update(status="accepted", deadline=now + timedelta(hours=1))
    Case.objects.filter(pk=fine.pk).update(status="accepted", deadline=now + timedelta(days=3))
    client = as_user("dispatcher")
    response = client.get("/console/")
    states = {row["case"].pk: row["deadline_state"] for row in response.context["rows"]}
    assert states == {late.pk: "overdue", soon.pk: "near", fine.pk: ""}
    assert f'<tr class="overdue" data-case="{late.pk}">' in response.content.decode()
    assert listed(client.get("/console/?deadline=overdue")) == [late.pk]
    assert listed(client.get("/console/?deadline=near")) == [soon.pk]


def test_a_bad_filter_names_the_field_and_lists_nothing(as_user, make_event):
    make_event("A")
    response = as_user("dispatcher").get("/console/?grid=12x&received_from=2025-02-01&received_to=2025-01-01")
    assert listed(response) == []
    assert set(response.context["form"].errors) == {"grid", "received_to"}


# -- triage and dispatch ------------------------------------------------------------------------------

def test_call_taker_opens_and_cancels_on_the_case_page(as_user, make_event, case_of):
    one, two = case_of(make_event("A")), case_of(make_event("A"))
    client = as_user("call_taker", "en")
    page = client.get(f"/console/cases/{one.pk}/").content.decode()
    assert 'data-testid="open-case"' in page and 'data-testid="dispatch-case"' not in page
    post_step(client, one, f"/console/cases/{one.pk}/open/")
    refused = post_step(client, two, f"/console/cases/{two.pk}/cancel/", {"note": " "})
    assert "needs a reason" in messages_of(refused)[0]
    post_step(client, two, f"/console/cases/{two.pk}/cancel/", {"note": "duplicate photo"})
    assert dict(Case.objects.filter(pk__in=[one.pk, two.pk]).values_list("pk", "status")) == {
        one.pk: "opened", two.pk: "cancelled"}


def test_dispatch_prefills_the_routed_department_and_another_needs_a_reason(as_user, make_event, case_of, world):
    case = case_of(make_event("A"))
    Case.objects.filter(pk=case.pk).update(status="opened")
    client = as_user("dispatcher", "en")
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert '<option value="CG" selected>' in page  # routed: 城管局
    refused = post_step(client, case, f"/console/cases/{case.pk}/dispatch/", {"department": "SW"})
    assert "needs a reason" in messages_of(refused)[0]
    assert Case.objects.get(pk=case.pk).status == "opened"
    post_step(client, case, f"/console/cases/{case.pk}/dispatch/", {"department": "SW", "reason": "water main"})
    case.refresh_from_db()
    assert (case.status, case.department, case.deadline is not None) == ("dispatched", world["d2"], True)
    assert case.history.last().note == "water main"


def test_a_dispatcher_cannot_open_and_a_stale_form_changes_nothing(as_user, make_event, case_of):
    case = case_of(make_event("A"))
    client = as_user("dispatcher", "en")
    refused = post_step(client, case, f"/console/cases/{case.pk}/open/")
    assert "needs one of" in messages_of(refused)[0]
    Case.objects.filter(pk=case.pk).update(status="opened", version=5)
    stale = client.post(f"/console/cases/{case.pk}/dispatch/", {"version": 4}, follow=True)
    assert "changed by someone else" in messages_of(stale)[0]
    assert Case.objects.get(pk=case.pk).status == "opened"


def test_case_pages_outside_the_jurisdiction_are_404(as_user, make_event, case_of):
    b = case_of(make_event("B"))
    client = as_user("street_supA")
    assert client.get(f"/console/cases/{b.pk}/").status_code == 404
    assert client.post(f"/console/cases/{b.pk}/suspend/", {"version": 1, "note": "x"}).status_code == 404


def test_bulk_dispatch_sends_all_ticked_cases_or_none(as_user, make_event, case_of):
    cases = [case_of(make_event("A")) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(status="opened")
    client = as_user("dispatcher", "en")
    back = "/console/?status=opened"
    stale = client.post("/console/dispatch-bulk/", {"case": [f"{cases[0].pk}:1", f"{cases[1].pk}:99"],
                                                    "next": back}, follow=True)
    assert "changed by someone else" in messages_of(stale)[0]
    assert set(Case.objects.values_list("status", flat=True)) == {"opened"}
    response = client.post("/console/dispatch-bulk/", {"case": [f"{c.pk}:1" for c in cases[:2]], "next": back})
    assert response["Location"] == back  # back to the filtered list
    assert sorted(Case.objects.values_list("status", flat=True)) == ["dispatched", "dispatched", "opened"]


def test_bulk_dispatch_refuses_cases_outside_the_jurisdiction(as_user, make_event, case_of):
    b = case_of(make_event("B"))
    Case.objects.filter(pk=b.pk).update(status="opened")
    assert as_user("street_supA").post("/console/dispatch-bulk/", {"case": [f"{b.pk}:1"]}).status_code == 404


# -- department queue ---------------------------------------------------------------------------------

def dispatched(make_event, case_of, letter="A") -> Case:
    case = case_of(make_event(letter))
    Case.objects.filter(pk=case.pk).update(status="dispatched", department=case.suggested_department,
                                           deadline=timezone.now() + timedelta(days=1))
    return case


def test_a_handler_of_another_department_cannot_open_the_case_page(as_user, make_event, case_of):
    case = dispatched(make_event, case_of)
    assert as_user("handler2").get(f"/department/cases/{case.pk}/").status_code == 404
    assert as_user("handler2").post(f"/department/cases/{case.pk}/accept/", {"version": 1}).status_code == 404
    assert [r["case"].pk for r in as_user("handler1").get("/department/").context["rows"]] == [case.pk]
    assert as_user("handler2").get("/department/").context["rows"] == []


def test_department_accepts_assigns_notes_feeds_back_with_photo(as_user, make_event, case_of, users):
    case = dispatched(make_event, case_of)
    url = f"/department/cases/{case.pk}/"
    handler = as_user("handler1", "en")
    assert 'data-testid="assign-handler"' not in handler.get(url).content.decode()  # only the head assigns
    post_step(handler, case, url + "accept/")
    head = as_user("head1", "en")
    post_step(head, case, url + "assign/", {"handler": users["handler1"].pk})
    handler = as_user("handler1", "en")
    post_step(handler, case, url + "note/", {"note": "crew on the way"})
    no_photo = post_step(handler, case, url + "handle/", {"feedback": "cleared"})
    assert "at least one photo" in messages_of(no_photo)[0]
    not_an_image = post_step(handler, case, url + "handle/", {"feedback": "cleared",
                                                              "photos": [SimpleUploadedFile("x.png", b"text")]})
    assert Case.objects.get(pk=case.pk).status == "accepted" and len(messages_of(not_an_image)) == 1
    post_step(handler, case, url + "handle/", {"feedback": "cleared", "photos": [photo()]})
    case.refresh_from_db()
    assert (case.status, case.handler, case.verifier) == ("handled", users["handler1"], users["workerA"])
    actions = list(case.history.values_list("action", flat=True))
    assert actions == ["report", "accept", "assign", "note", "handle"]
    assert case.history.get(action="handle").attachments.count() == 1
    page = handler.get(url).content.decode()
    assert "crew on the way" in page and "<img" in page  # history with the feedback photo


def test_department_requests_postponement_and_the_shift_leader_decides(as_user, make_event, case_of):
    case = dispatched(make_event, case_of)
    before = Case.objects.get(pk=case.pk).deadline
    post_step(as_user("handler1"), case, f"/department/cases/{case.pk}/postpone/",
              {"value": "2", "unit": "working_days", "reason": "parts on order"})
    assert case.postponements.get().status == "pending"
    leader = as_user("shift_leader")
    assert "parts on order" in leader.get(f"/console/cases/{case.pk}/").content.decode()
    post_step(leader, case, f"/console/cases/{case.pk}/postpone-decision/", {"approve": "1"})
    assert case.postponements.get().status == "approved"
    assert Case.objects.get(pk=case.pk).deadline > before


def test_a_progress_note_is_refused_outside_the_departments_hold(as_user, make_event, case_of):
    case = dispatched(make_event, case_of)
    Case.objects.filter(pk=case.pk).update(status="handled")
    refused = post_step(as_user("handler1", "en"), case, f"/department/cases/{case.pk}/note/", {"note": "late note"})
    assert "not allowed in state 'handled'" in messages_of(refused)[0]


# -- KPI page -----------------------------------------------------------------------------------------

def test_kpi_page_draws_bars_and_links_a_csv_with_the_same_filters(as_user, make_event, case_of, world):
    now = timezone.now()
    case = case_of(make_event("A"))
    Case.objects.filter(pk=case.pk).update(status="closed", dispatched_at=now - timedelta(hours=2),
                                           deadline=now + timedelta(hours=1), closed_at=now,
                                           handling_working_hours=2)
    today = timezone.localdate().isoformat()
    client = as_user("dispatcher")
    response = client.get(f"/console/kpis/?dimension=street&start={today}&end={today}")
    assert [(r["key"], r["closure_rate"]) for r in response.context["rows"]] == [
        (world["A"]["street"].code, 1.0), (world["B"]["street"].code, None)]  # every street, zeros included
    assert [bar["label"] for bar in response.context["bars"]] == ["街道A"]  # bars of the units with cases due
    assert response.context["bars"][0]["closure_w"] == 300  # full bar = 100 %
    (month,) = response.context["trend"]
    assert (month["received"], month["closed"]) == (1, 1)  # the trend counts what the table counts
    csv_url = response.context["csv_url"]
    assert f"start={today}" in csv_url and "dimension=street" in csv_url and "format=csv" in csv_url
    csv = client.get(csv_url).content.decode("utf-8-sig").splitlines()
    assert csv[1].startswith(f"{world['A']['street'].code},街道A,")


def test_kpi_page_refuses_a_reversed_period(as_user):
    response = as_user("dispatcher").get("/console/kpis/?dimension=grid&start=2025-02-01&end=2025-01-01")
    assert "end" in response.context["form"].errors and response.context["rows"] == []


@pytest.mark.parametrize("who, path, current", [
    ("shift_leader", "/console/kpis/", "/console/kpis/"), ("shift_leader", "/console/", "/console/"),
    ("shift_leader", "/console/cases/1/", "/console/"), ("leader", "/duties/reports/", "/duties/reports/"),
    ("leader", "/duties/", "/duties/")])
def test_the_navigation_marks_one_link_current_the_longest_that_starts_the_page(as_user, who, path, current):
    """/console/kpis/ marked both 监督台 (/console/) and 考核指标 current, /duties/reports/ both 医疗覆盖与交通
    (/duties/) and 月度报告: two highlighted tabs (seen as the shift leader and the district leader)."""
    import re

    page = as_user(who).get(path).content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == [current]
