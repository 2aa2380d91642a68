"""A user never reads or changes a case outside their jurisdiction."""

import pytest

from gridmgmt.cases.models import Case
from tests.cases.conftest import photo

pytestmark = pytest.mark.django_db


def ids(client) -> set[int]:
    return {c["id"] for c in client.get("/api/cases/").json()["results"]}


def dispatched(case, client_as, department: str | None = None):
    client_as("call_taker").post(f"/api/cases/{case.pk}/open/", {"version": 1}, format="json")
    body = {"version": 2, **({"department": department, "reason": "its drain"} if department else {})}
    client_as("dispatcher").post(f"/api/cases/{case.pk}/dispatch/", body, format="json")
    return Case.objects.get(pk=case.pk)


def test_a_handler_of_one_department_neither_reads_nor_changes_another_s_case(make_event, case_of, client_as):
    ours = dispatched(case_of(make_event("A")), client_as)
    theirs = dispatched(case_of(make_event("A")), client_as, department="SW")
    handler1 = client_as("handler1")
    assert ids(handler1) == {ours.pk}
    assert handler1.get(f"/api/cases/{theirs.pk}/").status_code == 404
    assert handler1.post(f"/api/cases/{theirs.pk}/accept/", {"version": 3}, format="json").status_code == 404
    assert Case.objects.get(pk=theirs.pk).status == "dispatched"
    assert client_as("handler2").post(f"/api/cases/{theirs.pk}/accept/", {"version": 3},
                                      format="json").status_code == 200


def test_a_worker_of_one_grid_neither_reads_nor_verifies_another_grid_s_case(make_event, case_of, client_as):
    case_a, case_b = case_of(make_event("A")), case_of(make_event("B"))
    assert ids(client_as("workerA")) == {case_a.pk}
    assert client_as("workerA").get(f"/api/cases/{case_b.pk}/").status_code == 404
    dispatched(case_b, client_as)
    client_as("handler1").post(f"/api/cases/{case_b.pk}/accept/", {"version": 3}, format="json")
    client_as("handler1").post(f"/api/cases/{case_b.pk}/handle/", {"version": 4, "feedback": "ok",
                                                                   "photos": [photo()]}, format="multipart")
    verify = {"version": 5, "passed": True, "lat": 23.125, "lng": 113.275, "photos": [photo()]}
    assert client_as("workerA").post(f"/api/cases/{case_b.pk}/verify/", verify,
                                     format="multipart").status_code == 404
    assert Case.objects.get(pk=case_b.pk).status == "handled"


def test_area_supervisors_see_their_area_and_centre_roles_see_all(make_event, case_of, client_as):
    case_a, case_b = case_of(make_event("A")), case_of(make_event("B"))
    assert ids(client_as("street_supA")) == {case_a.pk}
    assert ids(client_as("community_supB")) == {case_b.pk}
    for name in ("call_taker", "shift_leader", "dispatcher", "leader"):
        assert ids(client_as(name)) == {case_a.pk, case_b.pk}
    assert ids(client_as("gis")) == set()


def test_an_anonymous_request_is_refused(make_event, case_of):
    from rest_framework.test import APIClient

    case = case_of(make_event("A"))
    assert APIClient().get("/api/cases/").status_code in (401, 403)
    assert APIClient().post(f"/api/cases/{case.pk}/open/", {"version": 1}).status_code in (401, 403)


def test_a_supervisor_approves_a_postponement_and_the_deadline_moves(make_event, case_of, client_as, users):
    case = dispatched(case_of(make_event("A")), client_as)
    first_deadline = case.deadline
    asked = client_as("handler1").post(f"/api/cases/{case.pk}/postpone/", {
        "version": 3, "value": 2, "unit": "working_days", "reason": "needs a crane"}, format="json")
    assert asked.status_code == 200, asked.json()
    assert asked.json()["postponements"][0]["status"] == "pending"
    assert client_as("handler1").post(f"/api/cases/{case.pk}/postpone-decision/", {
        "version": 4, "approve": True}, format="json").status_code == 403  # departments do not self-approve
    approved = client_as("shift_leader").post(f"/api/cases/{case.pk}/postpone-decision/", {
        "version": 4, "approve": True}, format="json")
    assert approved.status_code == 200
    case.refresh_from_db()
    assert case.deadline > first_deadline and approved.json()["postponements"][0]["status"] == "approved"


def test_merging_reports_makes_one_case_with_several_sources(make_event, case_of, client_as):
    first, second = make_event("A"), make_event("A")
    target, other = case_of(first), case_of(second)
    merged = client_as("street_supA").post(f"/api/cases/{target.pk}/merge/", {
        "version": 1, "others": [{"id": other.pk, "version": 1}]}, format="json")
    assert merged.status_code == 200, merged.json()
    assert sorted(merged.json()["events"]) == sorted([first.pk, second.pk])
    other.refresh_from_db()
    assert other.status == "merged" and other.merged_into_id == target.pk
    # A supervisor of another area cannot pull cases across.
    third = case_of(make_event("A"))
    refused = client_as("community_supB").post(f"/api/cases/{third.pk}/merge/", {
        "version": 1, "others": [{"id": target.pk, "version": 2}]}, format="json")
    assert refused.status_code == 404


def test_suspension_stops_the_clock_and_resume_restores_the_state(make_event, case_of, client_as):
    case = dispatched(case_of(make_event("A")), client_as)
    suspended = client_as("shift_leader").post(f"/api/cases/{case.pk}/suspend/", {
        "version": 3, "note": "waiting for the owner"}, format="json")
    assert suspended.json()["status"] == "suspended"
    resumed = client_as("shift_leader").post(f"/api/cases/{case.pk}/resume/", {"version": 4}, format="json")
    assert resumed.json()["status"] == "dispatched"
    assert resumed.json()["deadline"] is not None

