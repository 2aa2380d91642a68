"""The ways back through the API: redispatch, return (退回), reopen, rework's new deadline, self-handling."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from gridmgmt.cases.models import Case, CaseHistory, Notification
from gridmgmt.events.models import EventPhoto
from tests.cases.conftest import photo

pytestmark = pytest.mark.django_db

ON_SITE = {"lat": 23.125, "lng": 113.265}


def post(client, case: Case, action: str, data: dict | None = None, multipart: bool = False):
    body = {"version": Case.objects.get(pk=case.pk).version, **(data or {})}
    return client.post(f"/api/cases/{case.pk}/{action}/", body, format="multipart" if multipart else "json")


@pytest.fixture
def dispatched(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    post(client_as("call_taker"), case, "open")
    assert post(client_as("dispatcher"), case, "dispatch").status_code == 200
    return Case.objects.get(pk=case.pk)


def test_redispatch_moves_the_case_with_a_reason_and_a_new_deadline(dispatched, client_as, users, world):
    Case.objects.filter(pk=dispatched.pk).update(deadline=timezone.now() - timedelta(hours=1),
                                                 overdue_at=timezone.now())
    post(client_as("handler1"), dispatched, "accept")
    response = post(client_as("dispatcher"), dispatched, "redispatch", {"department": "SW", "reason": "a drain"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "dispatched" and body["department"] == "SW" and body["handler"] is None
    case = Case.objects.get(pk=dispatched.pk)
    assert case.deadline > timezone.now() and case.overdue_at is None
    entry = case.history.get(action="redispatch")
    assert entry.note == "a drain" and entry.data["from_department"] == world["d1"].pk
    assert entry.from_status == "accepted" and entry.to_status == "dispatched"
    assert Notification.objects.filter(user=users["handler2"], case=case).exists()
    assert post(client_as("handler1"), case, "accept").status_code == 404  # no longer theirs


def test_redispatch_without_reason_or_to_the_same_department_is_refused(dispatched, client_as):
    assert post(client_as("dispatcher"), dispatched, "redispatch", {"department": "SW", "reason": " "}).status_code == 400
    same = post(client_as("dispatcher"), dispatched, "redispatch", {"department": "CG", "reason": "again"})
    assert same.status_code == 400 and "other than" in same.json()["detail"]
    assert Case.objects.get(pk=dispatched.pk).version == dispatched.version


def test_redispatch_by_a_department_or_call_taker_is_refused(dispatched, client_as):
    for name in ("handler1", "call_taker"):
        refused = post(client_as(name), dispatched, "redispatch", {"department": "SW", "reason": "x"})
        assert refused.status_code == 403, name


def test_department_returns_a_case_as_not_theirs_to_the_dispatcher(dispatched, client_as, users):
    returned = post(client_as("handler1"), dispatched, "return", {"reason": "not ours: private land"})
    assert returned.status_code == 200, returned.json()
    case = Case.objects.get(pk=dispatched.pk)
    assert case.status == "opened" and case.department is None and case.deadline is None
    assert Notification.objects.filter(user=users["dispatcher"], case=case, message__contains="private land").exists()
    # the department no longer sees it; the dispatcher dispatches it again elsewhere
    assert client_as("handler1").get(f"/api/cases/{case.pk}/").status_code == 404
    again = post(client_as("dispatcher"), case, "dispatch", {"department": "SW", "reason": "returned by CG"})
    assert again.status_code == 200 and again.json()["department"] == "SW"
    assert list(case.history.values_list("action", flat=True))[-3:] == ["dispatch", "return", "dispatch"]


def test_a_returned_case_never_goes_back_to_that_department_by_default(dispatched, client_as):
    """After 退回 the routed department is no default; sending it back there needs a reason."""
    routed = dispatched.department.code
    assert post(client_as("handler1"), dispatched, "return", {"reason": "not ours"}).status_code == 200
    case = Case.objects.get(pk=dispatched.pk)
    default = post(client_as("dispatcher"), case, "dispatch")
    assert default.status_code == 400 and "returned it as not theirs; choose a department" in str(default.json())
    bare = post(client_as("dispatcher"), case, "dispatch", {"department": routed})
    assert bare.status_code == 400 and "sending it back needs a reason" in str(bare.json())
    assert Case.objects.get(pk=case.pk).status == "opened"
    back = post(client_as("dispatcher"), case, "dispatch", {"department": routed, "reason": "land register: it is"})
    assert back.status_code == 200 and back.json()["department"] == routed


def test_return_needs_a_reason_and_is_refused_after_feedback(dispatched, client_as):
    assert post(client_as("handler1"), dispatched, "return", {"reason": ""}).status_code == 400
    post(client_as("handler1"), dispatched, "accept")
    post(client_as("handler1"), dispatched, "handle", {"feedback": "done", "photos": [photo()]}, True)
    refused = post(client_as("handler1"), dispatched, "return", {"reason": "not ours"})
    assert refused.status_code == 409 and "state 'handled'" in refused.json()["detail"]


def _close(case, client_as):
    post(client_as("handler1"), case, "accept")
    post(client_as("handler1"), case, "handle", {"feedback": "done", "photos": [photo()]}, True)
    closed = post(client_as("workerA"), case, "verify", {"passed": True, **ON_SITE, "photos": [photo()]}, True)
    assert closed.json()["status"] == "closed"


def test_supervisor_reopens_a_closed_case_for_rework_with_a_new_deadline(dispatched, client_as, users):
    _close(dispatched, client_as)
    assert post(client_as("dispatcher"), dispatched, "reopen", {"reason": "back again"}).status_code == 403
    reopened = post(client_as("street_supA"), dispatched, "reopen", {"reason": "rubbish is back"})
    assert reopened.status_code == 200, reopened.json()
    case = Case.objects.get(pk=dispatched.pk)
    assert case.status == "rework" and case.closed_at is None and case.rework_count == 1
    assert case.deadline > timezone.now()
    assert Notification.objects.filter(user=users["handler1"], kind="rework", case=case).exists()
    assert case.history.filter(action="reopen", from_status="closed", to_status="rework").exists()


def test_reopen_of_an_open_case_is_refused_naming_the_state(dispatched, client_as):
    refused = post(client_as("shift_leader"), dispatched, "reopen", {"reason": "x"})
    assert refused.status_code == 409 and "'reopen' is not allowed in state 'dispatched'" in refused.json()["detail"]


def test_rework_after_failed_verification_sets_a_new_deadline(dispatched, client_as):
    post(client_as("handler1"), dispatched, "accept")
    post(client_as("handler1"), dispatched, "handle", {"feedback": "done", "photos": [photo()]}, True)
    Case.objects.filter(pk=dispatched.pk).update(deadline=timezone.now() - timedelta(hours=2),
                                                 overdue_at=timezone.now())
    failed = post(client_as("workerA"), dispatched, "verify", {"passed": False, "note": "dirty", **ON_SITE,
                                                               "photos": [photo()]}, True)
    assert failed.json()["status"] == "rework"
    case = Case.objects.get(pk=dispatched.pk)
    assert case.deadline > timezone.now() and case.overdue_at is None
    recorded = case.history.get(action="verify_fail").data["deadline"]
    assert datetime.fromisoformat(recorded) == case.deadline


def _reported_with_photo(make_event, case_of):
    event = make_event("A")
    record = EventPhoto(event=event, content_type="image/png", size_bytes=10)
    record.image.save("before.png", photo("before.png"), save=False)
    record.save()
    return case_of(event)


def test_worker_self_handles_a_small_matter_closed_at_once(make_event, case_of, client_as):
    case = _reported_with_photo(make_event, case_of)
    done = post(client_as("workerA"), case, "self-handle", {"note": "picked it up", "photos": [photo("after.png")]},
                True)
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["status"] == "closed" and body["self_handled"] is True and body["department"] is None
    entry = CaseHistory.objects.get(case=case, action="self_handle")
    assert entry.from_status == "reported" and entry.attachments.count() == 1


def test_self_handling_without_a_before_photo_or_after_photo_is_refused(make_event, case_of, client_as):
    bare = case_of(make_event("A"))
    refused = post(client_as("workerA"), bare, "self-handle", {"note": "done", "photos": [photo()]}, True)
    assert refused.status_code == 400 and "photo before" in refused.json()["detail"]
    case = _reported_with_photo(make_event, case_of)
    assert post(client_as("workerA"), case, "self-handle", {"note": "done"}, True).status_code == 400
    assert Case.objects.get(pk=case.pk).status == "reported"


def test_self_handling_by_another_role_or_after_opening_is_refused(make_event, case_of, client_as):
    case = _reported_with_photo(make_event, case_of)
    assert post(client_as("call_taker"), case, "self-handle", {"note": "x", "photos": [photo()]},
                True).status_code == 403
    post(client_as("call_taker"), case, "open")
    assert post(client_as("workerA"), case, "self-handle", {"note": "x", "photos": [photo()]},
                True).status_code == 409


def test_case_number_is_year_and_sequence_and_shown_in_the_api(make_event, case_of, client_as):
    case = case_of(make_event("A"))
    year = timezone.localtime(case.received_at).year
    assert case.number == f"{year}-{case.pk:06d}"
    assert client_as("call_taker").get(f"/api/cases/{case.pk}/").json()["number"] == case.number
