"""The whole closed loop through the API, each step by the right role, and refusals of wrong steps."""

import pytest

from gridmgmt.cases.models import Case, Notification
from tests.cases.conftest import photo

pytestmark = pytest.mark.django_db


def post(client, case: Case, action: str, data: dict | None = None, multipart: bool = False):
    body = {"version": Case.objects.get(pk=case.pk).version, **(data or {})}
    return client.post(f"/api/cases/{case.pk}/{action}/", body, format="multipart" if multipart else "json")


def test_a_case_runs_the_whole_loop_with_one_rework(make_event, case_of, client_as, users, world):
    event = make_event("A")
    case = case_of(event)
    assert case.status == "reported" and case.suggested_department == world["d1"]

    assert post(client_as("call_taker"), case, "open").status_code == 200
    response = post(client_as("dispatcher"), case, "dispatch")
    assert response.status_code == 200, response.json()
    assert response.json()["department"] == "CG" and response.json()["deadline"]
    assert Notification.objects.filter(user=users["handler1"], kind="new_task", case=case).exists()

    assert post(client_as("handler1"), case, "accept").status_code == 200
    assert post(client_as("head1"), case, "assign", {"handler": users["handler1"].pk}).status_code == 200
    handled = post(client_as("handler1"), case, "handle", {"feedback": "cleared", "photos": [photo()]}, True)
    assert handled.status_code == 200, handled.json()
    assert handled.json()["verifier"] == users["workerA"].pk
    assert Notification.objects.filter(user=users["workerA"], kind="new_task", case=case).exists()

    on_site = {"lat": 23.125, "lng": 113.265, "photos": [photo()]}
    failed = post(client_as("workerA"), case, "verify", {"passed": False, "note": "still dirty", **on_site}, True)
    assert failed.json()["status"] == "rework" and failed.json()["rework_count"] == 1
    assert Notification.objects.filter(user=users["handler1"], kind="rework", case=case).exists()

    post(client_as("handler1"), case, "handle", {"feedback": "cleared again", "photos": [photo()]}, True)
    closed = post(client_as("workerA"), case, "verify", {"passed": True, **on_site, "photos": [photo()]}, True)
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["status"] == "closed" and body["closed_at"]
    assert [h["action"] for h in body["history"]] == [
        "report", "open", "dispatch", "accept", "assign", "handle", "verify_fail", "handle", "verify_pass"]
    assert [h["role"] for h in body["history"]][1:4] == ["call_taker", "dispatcher", "department_handler"]
    assert all(h["attachments"] for h in body["history"] if h["action"].startswith(("handle", "verify")))
    event.refresh_from_db()
    assert event.status == "closed"  # every source event follows its case


def test_each_step_by_the_wrong_role_is_refused_with_state_and_role(make_event, case_of, client_as, users):
    case = case_of(make_event("A"))
    refused = post(client_as("dispatcher"), case, "open")
    assert refused.status_code == 403
    assert "'open' in state 'reported'" in refused.json()["detail"] and "dispatcher" in refused.json()["detail"]
    assert post(client_as("handler1"), case, "open").status_code == 404  # not yet its department's
    assert post(client_as("leader"), case, "open").status_code == 403  # the leader reads, never acts
    post(client_as("call_taker"), case, "open")
    assert post(client_as("call_taker"), case, "dispatch").status_code == 403
    post(client_as("dispatcher"), case, "dispatch")
    assert post(client_as("workerA"), case, "accept").status_code == 403
    post(client_as("handler1"), case, "accept")
    assert post(client_as("handler1"), case, "assign", {"handler": users["handler1"].pk}).status_code == 403  # head only


def test_each_step_in_the_wrong_state_is_refused_naming_the_state(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    refused = post(client_as("dispatcher"), case, "dispatch")
    assert refused.status_code == 409 and "state 'reported'" in refused.json()["detail"]
    on_site = {"passed": True, "lat": 23.125, "lng": 113.265, "photos": [photo()]}
    assert post(client_as("workerA"), case, "verify", on_site, True).status_code == 409
    post(client_as("call_taker"), case, "open")
    assert post(client_as("call_taker"), case, "cancel", {"note": "dup"}).status_code == 409
    assert Case.objects.get(pk=case.pk).status == "opened"


def test_cancel_needs_a_reason_and_closes_the_report(make_event, case_of, client_as):
    event = make_event("A")
    case = case_of(event)
    assert post(client_as("call_taker"), case, "cancel", {"note": ""}).status_code == 400
    assert post(client_as("call_taker"), case, "cancel", {"note": "not in our district"}).status_code == 200
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_dispatch_to_another_department_needs_a_reason(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    post(client_as("call_taker"), case, "open")
    refused = post(client_as("dispatcher"), case, "dispatch", {"department": "SW"})
    assert refused.status_code == 400 and "needs a reason" in refused.json()["detail"]
    assert post(client_as("dispatcher"), case, "dispatch", {"department": "SW", "reason": "drain"}).json()[
        "department"] == "SW"


def test_verification_far_outside_the_grid_is_refused(make_event, case_of, client_as, users):
    case = case_of(make_event("A"))
    post(client_as("call_taker"), case, "open")
    post(client_as("dispatcher"), case, "dispatch")
    post(client_as("handler1"), case, "accept")
    post(client_as("handler1"), case, "handle", {"feedback": "done", "photos": [photo()]}, True)
    # Grid A ends at lng 113.27; 113.2704 is ≈ 41 m east (inside the 50 m tolerance), 113.272 ≈ 205 m.
    far = post(client_as("workerA"), case, "verify",
               {"passed": True, "lat": 23.125, "lng": 113.272, "photos": [photo()]}, True)
    assert far.status_code == 400 and "outside grid" in far.json()["detail"]
    near = post(client_as("workerA"), case, "verify",
                {"passed": True, "lat": 23.125, "lng": 113.2704, "photos": [photo()]}, True)
    assert near.status_code == 200 and near.json()["status"] == "closed"


def test_bulk_dispatch_is_all_or_nothing(make_event, case_of, client_as):
    first, second = case_of(make_event("A")), case_of(make_event("B"))
    post(client_as("call_taker"), first, "open")
    refs = [{"id": first.pk, "version": 2}, {"id": second.pk, "version": 1}]
    refused = client_as("shift_leader").post("/api/cases/dispatch-bulk/", {"cases": refs}, format="json")
    assert refused.status_code == 409 and f"case {second.pk}" in refused.json()["detail"]
    assert Case.objects.get(pk=first.pk).status == "opened"
    post(client_as("call_taker"), second, "open")
    refs[1]["version"] = 2
    done = client_as("shift_leader").post("/api/cases/dispatch-bulk/", {"cases": refs}, format="json")
    assert done.status_code == 200 and {c["status"] for c in done.json()} == {"dispatched"}


def test_bulk_imported_reports_each_become_one_case(world, users, make_event, case_of):
    from gridmgmt.events.models import Event
    from gridmgmt.events.signals import events_created

    template = make_event("A")
    fields = {f.attname: getattr(template, f.attname) for f in Event._meta.concrete_fields
              if f.attname not in ("id", "token", "idempotency_key")}
    imported = Event.objects.bulk_create([Event(**fields), Event(**fields)])  # no post_save
    ids = [e.pk for e in imported] + [template.pk]  # the already-cased report is skipped
    events_created.send(sender=Event, event_ids=ids, channel="hotline")
    events_created.send(sender=Event, event_ids=ids, channel="hotline")  # a re-send adds nothing
    cases = {case_of(Event.objects.get(pk=pk)).pk for pk in ids}
    assert len(cases) == 3
    for pk in ids[:2]:
        case = case_of(Event.objects.get(pk=pk))
        assert (case.status, case.grid_code, case.suggested_department_id) == (
            "reported", template.grid_code, world["d1"].pk)
        assert list(case.history.values_list("action", flat=True)) == ["report"]
