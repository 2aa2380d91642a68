"""A big import over several connections: still all or nothing, and orphans are finished.

These tests commit (transaction=True): the parts run on their own
connections, which cannot see a test's uncommitted transaction. Chunks are
made small so that a few rows take the parallel path.
"""

import io
import threading
import time
import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gridmgmt.cases.models import Case, CaseHistory
from gridmgmt.events import import_parallel
from gridmgmt.events.importing import ImportRefused, events_import_csv
from gridmgmt.events.models import Event
from gridmgmt.events.signals import events_created
from tests.events.conftest import OUTSIDE

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = "ticket_id,lat,lng,service_code,description\n" + "".join(
    f"P{i},23.125,{113.261 + i * 0.001:.3f},1102,row {i}\n" for i in range(12))  # lng 113.261 to 113.272: both communities


@pytest.fixture(autouse=True)
def parallel(settings):
    settings.EVENTS_IMPORT_CHUNK_ROWS = 2
    settings.EVENTS_IMPORT_WORKERS = 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_prepared_transactions")
        assert int(cursor.fetchone()[0]) >= 2, "the server needs max_prepared_transactions >= 2 (scripts/db.sh sets it)"
    yield
    # A failed test must not leave a prepared part behind: its locks would hang the next flush for ever.
    with connection.cursor() as cursor:
        for gid in prepared_gids():
            cursor.execute("ROLLBACK PREPARED %s", [gid])


def prepared_gids() -> list[str]:
    """Import parts prepared in this test database (other test runs on the server have their own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gid FROM pg_prepared_xacts WHERE gid LIKE %s AND database = current_database()",
                       [import_parallel.GID_PREFIX + "%"])
        return [row[0] for row in cursor.fetchall()]


def run(text):
    return events_import_csv(text=io.StringIO(text), channel="hotline")


def test_parts_are_stored_by_their_own_connections_and_committed_together(areas, catalogue):
    threads = set()
    both_parts = threading.Event()

    def note_part(**kwargs):
        # Chunks go to whichever connection is free: the first part holds its chunk (up to 30 s)
        # until the other has one, so one fast part cannot take them all.
        threads.add(threading.current_thread().name)
        if len(threads) > 1:
            both_parts.set()
        both_parts.wait(timeout=30)

    events_created.connect(note_part, weak=False, dispatch_uid="t")
    try:
        result = run(ROWS)
    finally:
        events_created.disconnect(dispatch_uid="t")
    assert threads == {"import-0", "import-1"}
    assert (result.rows, result.created) == (12, 12)
    assert Event.objects.count() == Case.objects.count() == CaseHistory.objects.count() == 12
    assert set(Event.objects.values_list("community_code", flat=True)) == {"440104001001", "440104001002"}
    assert prepared_gids() == []
    assert run(ROWS).skipped_existing == 12  # re-import: nothing new


def test_points_outside_in_several_chunks_are_all_named_and_nothing_is_stored(areas, catalogue):
    far = f"{OUTSIDE[0]},{OUTSIDE[1]},1102,far away\n"
    lines = ROWS.splitlines(keepends=True)
    bad = "".join([*lines[:2], "P98," + far, *lines[2:], "P99," + far])  # lines 3 and 15, chunks 2 rows each
    with pytest.raises(ImportRefused) as exc:
        run(bad)
    assert exc.value.errors == [f"line {n}: point (lat {OUTSIDE[0]}, lng {OUTSIDE[1]}) is outside the district: "
                                "no community covers it" for n in (3, 15)]
    assert (Event.objects.count(), Case.objects.count(), prepared_gids()) == (0, 0, [])


def test_a_bad_row_read_after_storing_began_undoes_the_stored_chunks(areas, catalogue):
    with pytest.raises(ImportRefused) as exc:
        run(ROWS + "P98,north,113.265,1102,x\nP99,23.125,113.265,7777,x\n")
    assert exc.value.errors == ["line 14: lat must be a number, got 'north'", "line 15: unknown service_code '7777'"]
    assert (Event.objects.count(), Case.objects.count(), prepared_gids()) == (0, 0, [])


def test_a_part_failing_after_the_other_prepared_rolls_both_back(areas, catalogue):
    """The first part holds its chunk until a second part has one; the second fails once the first has prepared.

    Chunks go to whichever connection is free, so without the hold one fast part could take them all.
    """
    parts: list[str] = []
    lock = threading.Lock()
    second_part_started = threading.Event()

    def fail_in_second_part(**kwargs):
        name = threading.current_thread().name
        with lock:
            if name not in parts:
                parts.append(name)
            order = parts.index(name)
        if order == 0:
            second_part_started.wait(timeout=30)
            return
        second_part_started.set()
        raw = raw_connection()
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with raw.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_prepared_xacts"
                                   " WHERE gid LIKE %s AND database = current_database()",
                                   [import_parallel.GID_PREFIX + "%"])
                    if cursor.fetchone()[0]:
                        break
                time.sleep(0.05)
        finally:
            raw.close()
        raise RuntimeError("case statement failed")

    events_created.connect(fail_in_second_part, weak=False, dispatch_uid="fail")
    try:
        with pytest.raises(RuntimeError, match="case statement failed"):
            run(ROWS)
    finally:
        events_created.disconnect(dispatch_uid="fail")
    assert len(parts) == 2
    assert (Event.objects.count(), Case.objects.count(), prepared_gids()) == (0, 0, [])


def raw_connection():
    settings_dict = connection.settings_dict
    return psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"],
                            host=settings_dict["HOST"], port=settings_dict["PORT"] or None)


def orphan(batch: str, ticket: str) -> str:
    """A part left prepared by an importer: one stored report."""
    gid = f"{import_parallel.GID_PREFIX}{batch}-0"
    raw = raw_connection()
    with raw.cursor() as cursor:
        cursor.execute("""
            INSERT INTO events_event (token, small_class_id, description, address, attributes, location,
                community_id, street_id, grid_code, community_code, street_code, routing_status, status,
                channel, idempotency_key, received_at, updated_at)
            SELECT gen_random_uuid(), sc.id, '', '', '{}', ST_SetSRID(ST_MakePoint(113.265, 23.125), 4326),
                c.id, c.street_id, '', c.code, '440104001', 'manual', 'reported', 'hotline', %s, now(), now()
            FROM events_smallclass sc, areas_community c WHERE sc.code = '1102' AND c.code = '440104001001'""",
                       [ticket])
        cursor.execute("PREPARE TRANSACTION %s", [gid])
    raw.close()
    return gid


def test_parts_left_behind_are_committed_if_decided_and_rolled_back_if_not(areas, catalogue):
    decided, undecided = uuid.uuid4().hex, uuid.uuid4().hex
    decided_gid, undecided_gid = orphan(decided, "decided"), orphan(undecided, "undecided")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO events_import_decision (batch) VALUES (%s)", [decided])
    importer = raw_connection()  # the decided batch's importer is still alive: its parts are its own
    importer.autocommit = True
    importer.cursor().execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [decided])
    assert import_parallel.imports_resolve() == [(undecided_gid, "rolled back")]
    importer.close()  # ... and now it died; its server process lets the lock go a moment later
    for _ in range(200):
        if resolved := import_parallel.imports_resolve():
            break
        time.sleep(0.05)
    assert resolved == [(decided_gid, "committed")]
    assert list(Event.objects.values_list("idempotency_key", flat=True)) == ["decided"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_import_decision")
        assert cursor.fetchone()[0] == 0
    assert prepared_gids() == []


def test_command_resolves_parts_left_behind(areas, catalogue, capsys):
    gid = orphan(uuid.uuid4().hex, "left")
    call_command("import_events", "--resolve")
    assert capsys.readouterr().out.strip() == f"{gid}: rolled back"
    assert (Event.objects.count(), prepared_gids()) == (0, [])
    with pytest.raises(CommandError, match="give a CSV path and --channel"):
        call_command("import_events", "--channel", "hotline")
