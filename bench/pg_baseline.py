"""What PostgreSQL alone reaches for the rows intake writes: the ceiling bench/intake.py's figures sit under.

A report stored by intake is one row in ``events_event``, its case in
``cases_case``, the link in ``cases_caseevent`` and the case's history rows
in ``cases_casehistory``. Two baselines write the same rows with nothing of
the application in between:

* :func:`prepared_insert_rate`: one report per transaction, as the HTTP path
  commits, through server-side prepared ``INSERT``s (``PREPARE`` once per
  connection, ``EXECUTE`` per row) with the values of a report the HTTP run
  stored, over as many connections as gunicorn held (one per worker
  process). Unique columns get fresh values.
* :func:`copy_rate`: the rows of the last bulk import, ``COPY``'d back into
  the same tables (new ids and unique values) over as many connections as the
  import used, each connection one transaction for its share of reports.

Both add rows to the bench database only (bench/intake.py truncates it at
its next start) and move the identity sequences past the ids they used.
"""

import io
import multiprocessing
import threading
import time
import uuid

import psycopg2

TABLES = ["events_event", "cases_case", "cases_caseevent", "cases_casehistory"]
# Columns pointing at another intake table's row: filled with the ids of the rows just written.
LINKS = {("cases_caseevent", "event_id"): "events_event", ("cases_caseevent", "case_id"): "cases_case",
         ("cases_casehistory", "case_id"): "cases_case"}


def _columns(cursor, table: str) -> list[tuple[str, str, bool]]:
    """(name, SQL type, is identity) of the table's columns, in order."""
    cursor.execute("""SELECT attname, format_type(atttypid, atttypmod), attidentity <> ''
                      FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped
                      ORDER BY attnum""", [table])
    return cursor.fetchall()


def _unique_columns(cursor, table: str) -> set[str]:
    """Columns of the table's unique constraints other than its primary key."""
    cursor.execute("""SELECT a.attname FROM pg_index i
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                      WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary""", [table])
    return {row[0] for row in cursor.fetchall()}


def report_template(dsn: str, event_id: int) -> dict[str, list[dict[str, str | None]]]:
    """The rows one stored report consists of, per table, each as {column: text value}."""
    where = {"events_event": "id = %(e)s",
             "cases_caseevent": "event_id = %(e)s",
             "cases_case": "id IN (SELECT case_id FROM cases_caseevent WHERE event_id = %(e)s)",
             "cases_casehistory": "case_id IN (SELECT case_id FROM cases_caseevent WHERE event_id = %(e)s)"}
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cursor:
            template = {}
            for table in TABLES:
                names = [name for name, _, _ in _columns(cursor, table)]
                select = ", ".join(f'"{name}"::text' for name in names)
                cursor.execute(f"SELECT {select} FROM {table} WHERE {where[table]} ORDER BY 1", {"e": event_id})
                template[table] = [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        conn.close()
    return template


def _insert_reports(dsn: str, template, count: int, tag: str, deadline: float, results) -> None:
    """One connection: PREPARE the inserts, then ``count`` reports, one transaction each (own process)."""
    conn = psycopg2.connect(dsn)
    cursor = conn.cursor()
    plans = {}
    for table in TABLES:
        columns = [(n, t) for n, t, identity in _columns(cursor, table) if not identity]
        unique = _unique_columns(cursor, table)
        names = ", ".join(f'"{n}"' for n, _ in columns)
        params = ", ".join(f"${i + 1}" for i in range(len(columns)))
        returning = " RETURNING id" if any(identity for _, _, identity in _columns(cursor, table)) else ""
        cursor.execute(f"PREPARE ins_{table} ({', '.join(t for _, t in columns)}) AS "
                       f"INSERT INTO {table} ({names}) VALUES ({params}){returning}")
        plans[table] = (columns, unique, bool(returning), f"EXECUTE ins_{table} ({', '.join(['%s'] * len(columns))})")
    conn.commit()
    done = 0
    start = time.perf_counter()
    for n in range(count):
        if time.perf_counter() > deadline:
            break
        ids = {}
        for table in TABLES:
            columns, unique, returns, execute = plans[table]
            for row in template[table]:
                values = []
                for name, sql_type in columns:
                    if (table, name) in LINKS:
                        values.append(ids[LINKS[(table, name)]])
                    elif name in unique and row[name] is not None:
                        values.append(str(uuid.uuid4()) if sql_type == "uuid" else f"~{tag}-{n}")
                    else:
                        values.append(row[name])
                cursor.execute(execute, values)
                if returns:
                    ids[table] = cursor.fetchone()[0]
        conn.commit()
        done += 1
    results.put((done, time.perf_counter() - start))
    conn.close()


def _move_sequences_past_used_ids(dsn: str) -> None:
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cursor:
        for table in ("events_event", "cases_case", "cases_casehistory"):  # cases_caseevent has no id
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT setval(%s, GREATEST((SELECT max(id) FROM {table}), 1))", [sequence])
    conn.close()


def prepared_insert_rate(dsn: str, template, reports: int, connections: int, time_limit_s: float) -> float:
    """Reports/s of bare prepared INSERTs of ``template``'s rows, ``connections`` processes in parallel."""
    results = multiprocessing.Queue()
    deadline = time.perf_counter() + time_limit_s
    shares = [reports // connections + (i < reports % connections) for i in range(connections)]
    procs = [multiprocessing.Process(target=_insert_reports, args=(dsn, template, share, f"pg{i}", deadline, results))
             for i, share in enumerate(shares)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    done = sum(results.get(timeout=time_limit_s + 60)[0] for _ in procs)
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join()
    _move_sequences_past_used_ids(dsn)
    return done / elapsed


def copy_rate(dsn: str, last_event_rows: int, connections: int) -> float:
    """Reports/s of COPYing the last ``last_event_rows`` reports' rows back in, over ``connections`` connections."""
    conn = psycopg2.connect(dsn)
    cursor = conn.cursor()
    cursor.execute("SELECT min(id) FROM (SELECT id FROM events_event ORDER BY id DESC LIMIT %s) last", [last_event_rows])
    first_event = cursor.fetchone()[0]
    offsets = {}
    for table in ("events_event", "cases_case", "cases_casehistory"):
        cursor.execute(f"SELECT max(id) FROM {table}")
        offsets[table] = cursor.fetchone()[0]
    reports_of = {  # which exported report (by its event id) a row belongs to
        "events_event": "id",
        "cases_caseevent": "event_id",
        "cases_case": "(SELECT min(event_id) FROM cases_caseevent ce WHERE ce.case_id = t.id)",
        "cases_casehistory": "(SELECT min(event_id) FROM cases_caseevent ce WHERE ce.case_id = t.case_id)",
    }
    scope = {"events_event": "t.id >= %(first)s", "cases_caseevent": "t.event_id >= %(first)s",
             "cases_case": "t.id IN (SELECT case_id FROM cases_caseevent WHERE event_id >= %(first)s)",
             "cases_casehistory": "t.case_id IN (SELECT case_id FROM cases_caseevent WHERE event_id >= %(first)s)"}
    buffers = [{table: io.StringIO() for table in TABLES} for _ in range(connections)]
    names_of = {}
    for table in TABLES:
        columns = _columns(cursor, table)
        unique = _unique_columns(cursor, table)
        names_of[table] = [name for name, _, _ in columns]
        exprs = []
        for name, sql_type, identity in columns:
            if identity:
                exprs.append(f"t.id + {offsets[table]}")
            elif (table, name) in LINKS:
                exprs.append(f"t.{name} + {offsets[LINKS[(table, name)]]}")
            elif name in unique:
                exprs.append("gen_random_uuid()" if sql_type == "uuid" else f"t.{name} || '~c'")
            else:
                exprs.append(f"t.{name}")
        for part in range(connections):
            query = cursor.mogrify(f"SELECT {', '.join(exprs)} FROM {table} t WHERE {scope[table]} "
                                   f"AND {reports_of[table]} %% {connections} = {part}", {"first": first_event})
            cursor.copy_expert(f"COPY ({query.decode()}) TO STDOUT", buffers[part][table])
            buffers[part][table].seek(0)
    conn.rollback()
    conn.close()

    errors = []

    def load(part: int) -> None:
        target = psycopg2.connect(dsn)
        try:
            with target.cursor() as c:
                for table in TABLES:
                    c.copy_expert(f"COPY {table} ({', '.join(names_of[table])}) FROM STDIN", buffers[part][table])
            target.commit()
        except psycopg2.Error as exc:
            errors.append(exc)
        finally:
            target.close()

    threads = [threading.Thread(target=load, args=(part,)) for part in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    _move_sequences_past_used_ids(dsn)
    return last_event_rows / elapsed
