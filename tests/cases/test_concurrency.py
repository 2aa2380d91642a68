"""Optimistic locking: two people acting on one case at once; the second gets a conflict, nothing is lost."""

import threading

import pytest
from django.db import connection

from gridmgmt.cases import services
from gridmgmt.cases.errors import VersionConflict

from tests.cases.test_jurisdiction import dispatched


@pytest.mark.django_db(transaction=True)
def test_two_threads_acting_on_the_same_version_one_wins_one_conflicts(make_event, case_of, client_as, users):
    case = dispatched(case_of(make_event("A")), client_as)
    assert case.version == 3
    barrier, outcomes = threading.Barrier(2), {}

    def act(name, step):
        try:
            barrier.wait()
            step()
            outcomes[name] = "ok"
        except VersionConflict as exc:
            outcomes[name] = str(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=act, args=("accept", lambda: services.case_accept(
            case_id=case.pk, version=3, actor=users["handler1"]))),
        threading.Thread(target=act, args=("suspend", lambda: services.case_suspend(
            case_id=case.pk, version=3, actor=users["shift_leader"], note="owner unknown"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(name for name, v in outcomes.items() if v != "ok")
    # Services called outside a request speak the site's language (zh-hans).
    assert "已被他人修改" in outcomes[loser] and "您提交的是 3" in outcomes[loser]
    case.refresh_from_db()
    assert case.version == 4
    assert case.status == ("suspended" if loser == "accept" else "accepted")
    assert [h.action for h in case.history.all()][-1] != loser
    assert case.history.count() == 4  # report, open, dispatch, the winner's step


@pytest.mark.django_db
def test_a_stale_version_over_the_api_gets_409_and_the_first_write_stays(make_event, case_of, client_as):
    case = dispatched(case_of(make_event("A")), client_as)
    first = client_as("handler1").post(f"/api/cases/{case.pk}/accept/", {"version": 3, "note": "mine"},
                                       format="json")
    second = client_as("shift_leader").post(f"/api/cases/{case.pk}/suspend/", {"version": 3, "note": "x"},
                                            format="json")
    assert first.status_code == 200 and second.status_code == 409
    assert "now version 4" in second.json()["detail"]
    case.refresh_from_db()
    assert case.status == "accepted" and case.history.last().note == "mine"
