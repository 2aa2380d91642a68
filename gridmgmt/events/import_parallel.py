"""A big import stored over several database connections at once, still all or nothing.

One PostgreSQL backend uses one core, and a bulk import is bound by it:
every row is an insert into four tables (report, case, source link, history)
with their indexes and foreign-key checks. So the rows are split into parts,
each stored (:func:`gridmgmt.events.import_store.chunks_store`) by its own
thread and connection (chunks of the file go to whichever part is free),
and the parts are made atomic together by two-phase commit:

1. each part ends with ``PREPARE TRANSACTION 'gridmgmt-import-<batch>-<n>'``:
   its work is on disk, holds its locks and is invisible to others;
2. if every part prepared, the decision is written to
   ``events_import_decision`` (autocommit), then each part is committed with
   ``COMMIT PREPARED``, then the decision row is deleted; if any part failed,
   every prepared part is rolled back.

A process that dies in between leaves prepared transactions behind;
:func:`imports_resolve` (run before every parallel import, and by
``manage.py import_events --resolve``) finishes them: committed if the
decision row says so, otherwise rolled back (presumed abort).

The server needs ``max_prepared_transactions`` of at least
``EVENTS_IMPORT_WORKERS`` (the project's cluster sets 16); without it
imports run on one connection.
"""

import queue
import threading
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

from gridmgmt.events.import_store import OutsideDistrict, Row, chunks_store

GID_PREFIX = "gridmgmt-import-"
_GID_BATCH = "^gridmgmt-import-([0-9a-f]+)-[0-9]+$"  # the batch of a part's gid


def parallel_possible() -> bool:
    """Whether an import can run over several connections here and now."""
    if settings.EVENTS_IMPORT_WORKERS < 2:
        return False
    if connection.in_atomic_block:  # the caller's transaction must hold everything: parts could not see it
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_prepared_transactions")
        return int(cursor.fetchone()[0]) >= settings.EVENTS_IMPORT_WORKERS


_END, _ABORT = object(), object()


class _Aborted(Exception):
    """The file turned out bad while this part was storing its chunks."""


def chunks_store_parallel(chunks: Iterable[list[Row]], channel: str) -> list[int]:
    """:func:`chunks_store` in a transaction of its own, over ``EVENTS_IMPORT_WORKERS`` connections.

    Chunks are handed to whichever part is free, while the caller's iterator
    is still reading the file; an exception from the iterator (a bad row)
    rolls every part back and is raised here.
    """
    imports_resolve()
    batch = uuid.uuid4().hex
    with connection.cursor() as cursor:  # held until decided: see imports_resolve
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [batch])
    try:
        return _store(batch, chunks, channel)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [batch])


def _store(batch: str, chunks: Iterable[list[Row]], channel: str) -> list[int]:
    workers = settings.EVENTS_IMPORT_WORKERS
    pending: queue.SimpleQueue = queue.SimpleQueue()
    outcomes: list = [None] * workers

    def taken():
        while (chunk := pending.get()) is not _END:
            if chunk is _ABORT:
                raise _Aborted()
            yield chunk

    def work(n: int):
        try:
            with transaction.atomic():
                ids = chunks_store(taken(), channel)
                with connection.cursor() as cursor:
                    cursor.execute("PREPARE TRANSACTION %s", [f"{GID_PREFIX}{batch}-{n}"])
                # Django then sends COMMIT; with the transaction already
                # prepared PostgreSQL only warns that none is in progress.
            outcomes[n] = ids
        except BaseException as exc:  # handed to the caller below, after the other parts are undone
            outcomes[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,), name=f"import-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    reading_failed = None
    try:
        for chunk in chunks:
            pending.put(chunk)
    except BaseException as exc:
        reading_failed = exc
    for _ in threads:  # a part that already failed leaves its marker unread: harmless
        pending.put(_ABORT if reading_failed else _END)
    for thread in threads:
        thread.join()
    prepared = [f"{GID_PREFIX}{batch}-{n}" for n, outcome in enumerate(outcomes) if isinstance(outcome, list)]
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)
                and not isinstance(outcome, _Aborted)]
    with connection.cursor() as cursor:
        if reading_failed or failures:
            for gid in prepared:
                cursor.execute("ROLLBACK PREPARED %s", [gid])
            raise reading_failed or (failures[0] if len(failures) == 1 else _merged(failures))
        cursor.execute("INSERT INTO events_import_decision (batch) VALUES (%s)", [batch])
        for gid in prepared:
            cursor.execute("COMMIT PREPARED %s", [gid])
        cursor.execute("DELETE FROM events_import_decision WHERE batch = %s", [batch])
    return sorted(id_ for ids in outcomes for id_ in ids)


def _merged(failures: list[BaseException]) -> BaseException:
    """Several parts found points outside the district: one error naming all of them."""
    if all(isinstance(failure, OutsideDistrict) for failure in failures):
        return OutsideDistrict(sorted(row for failure in failures for row in failure.rows))
    return failures[0]


def imports_resolve() -> list[tuple[str, str]]:
    """Finish prepared import parts whose importer is gone; returns (gid, "committed"|"rolled back").

    A live importer holds the advisory lock of its batch (its session's: the
    lock goes when the process or its connection dies), so a part whose lock
    can be taken has been left behind.
    """
    done = []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT x.gid, substring(x.gid FROM %s), d.batch IS NOT NULL FROM pg_prepared_xacts x
            LEFT JOIN events_import_decision d ON d.batch = substring(x.gid FROM %s)
            WHERE x.database = current_database() AND x.gid LIKE %s || '%%'""",
                       [_GID_BATCH, _GID_BATCH, GID_PREFIX])
        for gid, batch, decided in cursor.fetchall():
            cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [batch])
            if not cursor.fetchone()[0]:
                continue  # its importer is still deciding
            cursor.execute(f"{'COMMIT' if decided else 'ROLLBACK'} PREPARED %s", [gid])
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [batch])
            done.append((gid, "committed" if decided else "rolled back"))
        cursor.execute("""
            DELETE FROM events_import_decision d WHERE NOT EXISTS (
                SELECT 1 FROM pg_prepared_xacts x WHERE substring(x.gid FROM %s) = d.batch)""", [_GID_BATCH])
    return done
