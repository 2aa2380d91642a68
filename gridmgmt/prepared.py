"""Server-side prepared statements for the hot paths of report intake.

Planning the locate-and-route and the case statements costs several times
running them (0.3 and 0.7 ms against about 0.1 ms each, measured with
``EXPLAIN (ANALYZE, SUMMARY)``), and every report pays it again. A statement
prepared once per database connection is planned once; PostgreSQL keeps a
generic plan after a few runs. Prepared statements live as long as the
session and survive a rolled-back transaction, so a connection remembers
which it has; a new connection (Django reconnects after errors or
``CONN_MAX_AGE``) starts with none.

SQL given here uses ``$1``, ``$2``, ... for parameters, as ``PREPARE`` wants.
"""

from weakref import WeakKeyDictionary

from django.db import connection

# raw DB-API connection -> names prepared on it
_prepared: WeakKeyDictionary = WeakKeyDictionary()


def execute_prepared(cursor, name: str, sql: str, params: list | tuple):
    """Run ``sql`` under ``name`` with ``params`` on ``cursor``, preparing it first on a new connection."""
    names = _prepared.setdefault(cursor.db.connection, set())
    if name not in names:
        cursor.execute(f"PREPARE {name} AS {sql}")  # no params: psycopg2 leaves the $n alone
        names.add(name)
    placeholders = ", ".join(["%s"] * len(params))
    cursor.execute(f"EXECUTE {name}({placeholders})", params)


def select_columns(model) -> str:
    """The model's columns in field order, for a ``SELECT`` that :func:`instance_from_row` reads."""
    return ", ".join(field.column for field in model._meta.concrete_fields)


def instance_from_row(model, row):
    """A model instance from a row of :func:`select_columns`, with the fields' own conversions (JSON, ...)."""
    fields = model._meta.concrete_fields
    values = [field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
              for field, value in zip(fields, row)]
    return model.from_db(connection.alias, [field.attname for field in fields], values)
