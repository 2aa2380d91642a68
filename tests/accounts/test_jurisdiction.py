"""The one jurisdiction rule (gridmgmt.accounts.jurisdiction): who reads which reports and cases, failing closed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from gridmgmt.accounts.jurisdiction import NOTHING, Scope, roles_over, scope_of, scope_of_api_key
from gridmgmt.accounts.models import Role
from gridmgmt.events.api_keys import api_key_create, api_key_revoke
from gridmgmt.events.models import Event
from tests.cases.conftest import case_of, client_as, make_event, media_in_tmp, users, world  # noqa: F401


def test_no_user_anonymous_and_no_role_read_nothing(make_event, users):
    make_event("A"), make_event("B")
    no_role = get_user_model().objects.create_user("nobody", "n@example.org", "pw")
    for caller in (None, AnonymousUser(), no_role, users["gis"]):
        scope = scope_of(caller)
        assert scope.empty
        assert scope.events().count() == 0
        assert scope.cases().count() == 0


def test_inactive_user_reads_nothing_whatever_the_role(make_event, users):
    make_event("A")
    users["call_taker"].is_active = False
    assert scope_of(users["call_taker"]).events().count() == 0


def test_grid_worker_reads_their_grid_and_their_own_reports_elsewhere(make_event, users, world):
    in_a, in_b = make_event("A"), make_event("B")
    own_in_b = make_event("B")
    Event.objects.filter(pk=own_in_b.pk).update(reporter=users["workerA"])
    assert set(scope_of(users["workerA"]).events()) == {in_a, own_in_b}
    # Cases follow the grid only: a report made elsewhere does not open its case to the reporter.
    assert {c.grid_code for c in scope_of(users["workerA"]).cases()} == {world["A"]["grid"].code}
    assert in_b not in scope_of(users["workerA"]).events()


def test_department_handler_reads_their_department_only(make_event, users, world):
    in_d1 = make_event("A")
    in_d2 = make_event("B")
    Event.objects.filter(pk=in_d2.pk).update(department=world["d2"])
    assert list(scope_of(users["handler1"]).events()) == [in_d1]
    assert list(scope_of(users["handler2"]).events()) == [in_d2]


def test_supervisors_read_their_street_or_community_and_centre_the_district(make_event, users):
    in_a, in_b = make_event("A"), make_event("B")
    assert list(scope_of(users["street_supA"]).events()) == [in_a]
    assert list(scope_of(users["community_supB"]).events()) == [in_b]
    assert set(scope_of(users["dispatcher"]).events()) == {in_a, in_b}


def test_api_key_reads_what_it_submitted_and_a_revoked_key_nothing(make_event, db):
    key, _ = api_key_create(name="hotline", channel="hotline")
    other, _ = api_key_create(name="app", channel="public_app")
    mine, theirs = make_event("A", api_key=key), make_event("A", api_key=other)
    make_event("B")
    assert list(scope_of_api_key(key).events()) == [mine]
    assert scope_of_api_key(key).cases().count() == 0
    assert theirs not in scope_of_api_key(key).events()
    assert scope_of_api_key(api_key_revoke(key=key)).empty
    assert scope_of_api_key(None) is NOTHING


def test_area_of_department_staff_is_empty_so_maps_count_nothing(users):
    assert scope_of(users["handler1"]).area.empty
    assert not scope_of(users["workerA"]).area.empty


@pytest.mark.parametrize("scope, expected", [(NOTHING, 0), (Scope(grid_codes=frozenset({"44010400100101"})), 1),
                                             (Scope(district=True), 2)])
def test_sql_clauses_of_an_empty_scope_match_no_row(make_event, scope, expected):
    make_event("A"), make_event("B")
    clauses = scope.sql(grid="grid_code", community="community_code", street="street_code",
                        department="department_id")
    where = " AND ".join(c for c, _ in clauses) or "TRUE"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM events_event WHERE {where}", [p for _, ps in clauses for p in ps])
        assert cursor.fetchone()[0] == expected


def test_roles_over_names_only_roles_whose_scope_covers_the_record(make_event, case_of, users):
    case = case_of(make_event("A"))
    assert roles_over(users["workerA"], case) == {Role.GRID_WORKER}
    assert roles_over(users["workerB"], case) == set()
    assert roles_over(users["handler1"], case) == set()  # not dispatched yet: no department on the case
    assert roles_over(users["dispatcher"], case) == {Role.DISPATCHER}
