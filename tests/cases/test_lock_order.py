"""R11: two bulk dispatches of the same cases in opposite orders, and merges X→Y and Y→X, at the same
moment on two database connections: rows are locked in one order, the loser gets 409, never a
deadlock 500. Each step holds its row a moment (a slowed lock) so that without one lock order the
two transactions would hold one row each and wait for the other."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from gridmgmt.cases import steps
from gridmgmt.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_locks(monkeypatch):
    real = steps.lock

    def slow(case_id, version):
        case = real(case_id, version)
        time.sleep(0.4)  # the other transaction takes its first row meanwhile
        return case

    monkeypatch.setattr(steps, "lock", slow)


def at_once(*calls):
    """Run the calls on their own threads (own connections) from one barrier; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 (reported to the test)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def assert_waited_not_deadlocked(results):
    # The loser queued behind the winner and then found the versions moved; a deadlock broken by
    # PostgreSQL would also be a 409, but with the contention message.
    loser = next(r for r in results if r.status_code == 409)
    assert "now version" in loser.json()["detail"], loser.json()


def client_for(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # the conflict asserted here is the English source text
    client.force_authenticate(user)
    return client


def opened(case, users):
    client_for(users["call_taker"]).post(f"/api/cases/{case.pk}/open/", {"version": 1}, format="json")
    return Case.objects.get(pk=case.pk)


def test_bulk_dispatches_in_opposite_orders_one_wins_the_other_gets_409(make_event, case_of, users, slow_locks):
    a, b = (opened(case_of(make_event("A")), users) for _ in range(2))
    dispatcher = users["dispatcher"]
    forward = [{"id": a.pk, "version": a.version}, {"id": b.pk, "version": b.version}]
    results = at_once(
        lambda: client_for(dispatcher).post("/api/cases/dispatch-bulk/", {"cases": forward}, format="json"),
        lambda: client_for(dispatcher).post("/api/cases/dispatch-bulk/", {"cases": forward[::-1]}, format="json"))
    assert sorted(r.status_code for r in results) == [200, 409], [getattr(r, "content", r) for r in results]
    assert_waited_not_deadlocked(results)
    assert set(Case.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {"dispatched"}


def test_merges_x_into_y_and_y_into_x_one_wins_the_other_gets_409(make_event, case_of, users, slow_locks):
    x, y = case_of(make_event("A")), case_of(make_event("A"))
    supervisor = users["street_supA"]
    results = at_once(
        lambda: client_for(supervisor).post(f"/api/cases/{x.pk}/merge/", {
            "version": x.version, "others": [{"id": y.pk, "version": y.version}]}, format="json"),
        lambda: client_for(supervisor).post(f"/api/cases/{y.pk}/merge/", {
            "version": y.version, "others": [{"id": x.pk, "version": x.version}]}, format="json"))
    assert sorted(r.status_code for r in results) == [200, 409], [getattr(r, "content", r) for r in results]
    assert_waited_not_deadlocked(results)
    assert sorted(Case.objects.filter(pk__in=[x.pk, y.pk]).values_list("status", flat=True)).count("merged") == 1


def test_a_deadlock_reported_by_postgresql_is_a_conflict_not_a_server_error():
    from django.db import OperationalError

    from gridmgmt.cases.errors import VersionConflict

    class Deadlock(Exception):
        pgcode = "40P01"

    @steps.contention_as_conflict
    def service():
        raise OperationalError("deadlock detected") from Deadlock()

    with pytest.raises(VersionConflict):
        service()
