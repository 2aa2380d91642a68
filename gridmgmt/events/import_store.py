"""Storing checked import rows in the current transaction: locate, route, insert, announce.

A chunk of rows travels as one array literal per column, expanded in SQL by
``unnest``: no staging table to write, index, clean up and vacuum, and
nothing that stops ``PREPARE TRANSACTION`` (a temporary table would, and
:mod:`gridmgmt.events.import_parallel` needs it). Measured against COPY into
an unlogged staging table: as fast (about 120 ms per 1,000 rows stored with
their cases, both ways), and a JSON parameter was 10% slower.

Locating, routing and inserting are one statement over the chunk, sharing
:data:`gridmgmt.events.placing.PLACE_SQL` with the single-report service.
"""

import json
from collections.abc import Iterable

from django.db import connection

from gridmgmt.events.models import Event
from gridmgmt.events.placing import PLACE_SQL
from gridmgmt.events.signals import events_created
from gridmgmt.geo import STORAGE_SRID

# (line, small_class_id, lng, lat, description, address, ticket, attributes) per row
Row = tuple[int, int, float, float, str, str, str, dict]

_ROWS = f"""(
    SELECT line, small_class_id, lng, lat, description, address, ticket, attributes,
           ST_SetSRID(ST_MakePoint(lng, lat), {STORAGE_SRID}) AS geom
    FROM unnest(%(line)s::int[], %(small_class_id)s::bigint[], %(lng)s::float8[], %(lat)s::float8[],
                %(description)s::text[], %(address)s::text[], %(ticket)s::text[], %(attributes)s::jsonb[])
         AS rows(line, small_class_id, lng, lat, description, address, ticket, attributes)
)"""


def _numbers(values) -> str:
    return "{" + ",".join(map(str, values)) + "}"  # repr of a float reads back exactly


def _texts(values) -> str:
    """A text[] literal, escaped in three passes over the joined column rather than once per value.

    NUL cannot be in PostgreSQL text (the import refuses it), so it can
    stand between the values until they are escaped.
    """
    joined = "\x00".join(values).replace("\\", "\\\\").replace('"', '\\"')
    return '{"' + joined.replace("\x00", '","') + '"}'


# Points outside every community are reported, not inserted (their
# community_id is NULL); the caller refuses the file when there are any,
# which rolls the rest back. No join but the placement's own index lookups,
# whatever the planner guesses of the rows' number.
_STORE_SQL = f"""
WITH placed AS MATERIALIZED ({PLACE_SQL.format(points=_ROWS)}),
inserted AS (
    INSERT INTO events_event (token, small_class_id, description, address, attributes, location,
        grid_id, community_id, street_id, grid_code, community_code, street_code, department_id,
        routing_status, routing_rule_id, status, channel, idempotency_key, received_at, updated_at)
    SELECT gen_random_uuid(), small_class_id, coalesce(description, ''), coalesce(address, ''), attributes, geom,
        grid_id, community_id, street_id, coalesce(grid_code, ''), community_code, street_code, department_id,
        CASE WHEN department_id IS NULL THEN 'manual' ELSE 'routed' END, rule_id,
        'reported', %(channel)s, ticket, now(), now()
    FROM placed WHERE community_id IS NOT NULL
    ORDER BY line
    ON CONFLICT (channel, idempotency_key) DO NOTHING
    RETURNING id
)
SELECT array(SELECT id FROM inserted),
       array(SELECT ARRAY[line::float8, lat, lng] FROM placed WHERE community_id IS NULL ORDER BY line)
"""


class OutsideDistrict(ValueError):
    """Rows whose point no community covers; ``rows`` are (line, lat, lng)."""

    def __init__(self, rows: list[tuple[int, float, float]]):
        self.rows = rows
        super().__init__(f"{len(rows)} point(s) outside the district")


def rows_store(rows: list[Row], channel: str) -> list[int]:
    """Insert ``rows`` as reports of ``channel`` in the current transaction; returns the new ids.

    Rows whose ticket id the channel already has are skipped. Sends
    ``events_created`` (their cases are made in the same transaction).
    Raises :class:`OutsideDistrict` when a point lies outside every
    community; the caller's rollback then undoes everything.
    """
    with connection.cursor() as cursor:
        # One statement over many rows: JIT compilation, meant for long
        # analytic queries, costs more here than it saves, and sorts of a
        # big chunk should stay in memory.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        line, small_class_id, lng, lat, description, address, ticket, attributes = zip(*rows)
        attributes = [json.dumps(value, ensure_ascii=False) if value else "{}" for value in attributes]
        cursor.execute(_STORE_SQL, {
            "line": _numbers(line), "small_class_id": _numbers(small_class_id), "lng": _numbers(lng),
            "lat": _numbers(lat), "description": _texts(description), "address": _texts(address),
            "ticket": _texts(ticket), "attributes": _texts(attributes), "channel": channel})
        created_ids, outside = cursor.fetchone()
    if outside:
        raise OutsideDistrict([(int(line), lat, lng) for line, lat, lng in outside])
    events_created.send(sender=Event, event_ids=created_ids, channel=channel)
    return created_ids


def chunks_store(chunks: Iterable[list[Row]], channel: str) -> list[int]:
    """:func:`rows_store` for each chunk; points outside the district are named together at the end.

    A chunk with such points leaves its other rows inserted; the caller's
    rollback removes them with everything else.
    """
    ids, outside = [], []
    for chunk in chunks:
        try:
            ids += rows_store(chunk, channel)
        except OutsideDistrict as exc:
            outside += exc.rows
    if outside:
        raise OutsideDistrict(sorted(outside))
    return ids
