"""The notification inbox: unread count on every page, opening one marks it read and goes to its case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridmgmt.cases.models import Case, Notification, Postponement
from tests.cases.conftest import case_of, make_event, media_in_tmp, users, world  # noqa: F401
from tests.web.test_console_views import as_user  # noqa: F401

pytestmark = pytest.mark.django_db


def notes(user, case, n=2):
    return [Notification.objects.create(user=user, kind="new_task", case=case, message=f"case {case.number} #{i}")
            for i in range(n)]


@pytest.mark.parametrize("name, path", [("handler1", "/department/"), ("dispatcher", "/console/"),
                                        ("dispatcher", "/console/kpis/"), ("workerA", "/worker/")])
def test_every_page_shows_the_unread_count(as_user, users, make_event, case_of, name, path):
    notes(users[name], case_of(make_event("A")), n=3)
    page = as_user(name).get(path).content.decode()
    assert 'data-testid="unread-count"' in page and ">3</span>" in page


def test_no_count_without_unread_notifications(as_user):
    assert 'data-testid="unread-count"' not in as_user("dispatcher").get("/console/").content.decode()


def test_opening_marks_read_and_goes_to_the_case_on_the_readers_page(as_user, users, make_event, case_of, world):
    case = case_of(make_event("A"))
    Case.objects.filter(pk=case.pk).update(status="dispatched", department=world["d1"])
    first, second = notes(users["handler1"], case)
    client = as_user("handler1")
    inbox = client.get("/notifications/")
    assert [item["note"].pk for item in inbox.context["items"]] == [second.pk, first.pk]
    assert case.number in inbox.content.decode()
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/department/cases/{case.pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert [item["note"].pk for item in client.get("/notifications/?unread=1").context["items"]] == [second.pk]
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=users["handler1"], read_at__isnull=True).exists()


def test_someone_elses_notification_is_404_and_stays_unread(as_user, users, make_event, case_of):
    (other,) = notes(users["handler2"], case_of(make_event("A")), n=1)
    assert as_user("handler1").post(f"/notifications/{other.pk}/open/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_inbox_needs_sign_in(client):
    assert client.get("/notifications/").status_code == 302


@pytest.mark.parametrize("value, unit, english, chinese", [
    (1, "working_days", "asks 1 more working day:", "申请延期 1 个工作日"),
    (3, "working_days", "asks 3 more working days:", "申请延期 3 个工作日"),
    (1, "working_hours", "asks 1 more working hour:", "申请延期 1 个工作小时"),
])
def test_postponement_prompt_is_pluralised_and_translated(as_user, users, make_event, case_of, world,
                                                          value, unit, english, chinese):
    case = case_of(make_event("A"))
    Case.objects.filter(pk=case.pk).update(status="accepted", department=world["d1"],
                                           deadline=timezone.now() + timedelta(days=1))
    Postponement.objects.create(case=case, value=value, unit=unit, reason="parts", requested_by=users["handler1"],
                                requested_at=timezone.now())
    client = as_user("shift_leader")
    assert chinese in client.get(f"/console/cases/{case.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english in page and "working_days" not in page


def test_a_case_returned_by_the_department_leads_to_the_inbox_entry_saying_so(as_user, users, make_event, case_of,
                                                                            world):
    """The handler's overdue notice of a case they returned used to lead to its page: a 404 for them now."""
    from gridmgmt.cases import services, ways_back

    case = case_of(make_event("A"))
    case = services.case_open(case_id=case.pk, version=case.version, actor=users["shift_leader"])
    case = services.case_dispatch(case_id=case.pk, version=case.version, actor=users["dispatcher"],
                                  department=world["d1"], reason="test")
    (note,) = notes(users["handler1"], case, n=1)
    client = as_user("handler1")
    assert client.get(f"/department/cases/{case.pk}/").status_code == 200
    assert client.post(f"/notifications/{note.pk}/open/")["Location"] == f"/department/cases/{case.pk}/"
    ways_back.case_return(case_id=case.pk, version=case.version, actor=users["handler1"], reason="不归我们")
    assert client.get(f"/department/cases/{case.pk}/").status_code == 404
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/notifications/#notification-{note.pk}"
    day = timezone.localdate().isoformat()
    client.cookies["django_language"] = "en"
    inbox = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"This case has left your hands: Returned as not the department&#x27;s (退回) on {day}." in inbox
    assert as_user("dispatcher").post(
        f"/notifications/{notes(users['dispatcher'], case, n=1)[0].pk}/open/")["Location"] == f"/console/cases/{case.pk}/"
