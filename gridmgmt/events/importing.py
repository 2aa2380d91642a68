"""Bulk import of reports (e.g. 12345 hotline tickets) from CSV: all rows or nothing.

Rows are checked in Python (numbers, codes, attributes: cheap per row), then
copied into a temporary table and located, routed and inserted by set
operations in SQL, sharing :data:`gridmgmt.events.placing.PLACE_SQL` with the
single-report service. A bad row aborts the whole file with its line number.
Re-importing a file is harmless: a ticket id already stored for the channel
(the idempotency key) is skipped by the unique constraint.

Columns (a header is required; aliases in brackets accept the Boston 311
export shape): ``ticket_id`` [case_enquiry_id], ``lat`` [latitude], ``lng``
[long, longitude], ``service_code``, ``description`` [case_title],
``address`` [location], and ``attribute[<code>]`` per class attribute.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.db import connection, transaction

from gridmgmt.events.attributes import clean_attribute_values
from gridmgmt.events.models import Channel, SmallClass
from gridmgmt.events.placing import PLACE_SQL
from gridmgmt.events.signals import events_created
from gridmgmt.geo import STORAGE_SRID

ALIASES = {"ticket_id": ("ticket_id", "case_enquiry_id"), "lat": ("lat", "latitude"),
           "lng": ("lng", "long", "longitude"), "service_code": ("service_code",),
           "description": ("description", "case_title"), "address": ("address", "location")}
MAX_ERRORS_SHOWN = 10


class ImportRefused(ValueError):
    """The file was refused; ``errors`` are "line N: problem" strings. Nothing was stored."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f" (and {len(errors) - len(shown)} more)" if len(errors) > len(shown) else ""
        super().__init__("; ".join(shown) + more)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    skipped_existing: int


def _column(header: list[str], name: str) -> str | None:
    return next((alias for alias in ALIASES[name] if alias in header), None)


def events_import_csv(*, text: io.TextIOBase, channel: str, default_service_code: str | None = None) -> ImportResult:
    """Import every row of a CSV or none; raises :class:`ImportRefused` naming bad lines."""
    if channel not in Channel.values:
        raise ImportRefused([f"unknown channel {channel!r}"])
    reader = csv.DictReader(text)
    header = reader.fieldnames or []
    columns = {name: _column(header, name) for name in ALIASES}
    missing = [n for n in ("ticket_id", "lat", "lng") if columns[n] is None]
    if columns["service_code"] is None and not default_service_code:
        missing.append("service_code")
    if missing:
        raise ImportRefused([f"line 1: missing column(s) {', '.join(missing)}"])
    attribute_columns = {h[len("attribute["):-1]: h for h in header if h.startswith("attribute[") and h.endswith("]")}
    classes = {c.code: c for c in SmallClass.objects.filter(active=True)}

    errors, seen, buffer = [], {}, io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row in reader:
        line = reader.line_num
        count += 1
        problem, out = _check_row(row, columns, attribute_columns, classes, default_service_code)
        if problem is None and out[5] in seen:
            problem = f"ticket id {out[5]!r} repeats line {seen[out[5]]}"
        if problem:
            errors.append(f"line {line}: {problem}")
            continue
        seen[out[5]] = line
        writer.writerow((line, *out))
    if errors:
        raise ImportRefused(errors)
    if count == 0:
        return ImportResult(0, 0, 0)
    buffer.seek(0)
    with transaction.atomic():
        created_ids = _insert(buffer, channel)
        events_created.send(sender=None, event_ids=created_ids, channel=channel)
    return ImportResult(count, len(created_ids), count - len(created_ids))


def _check_row(row, columns, attribute_columns, classes, default_service_code):
    """(problem, None) or (None, (small_class_id, lng, lat, description, address, ticket, attributes_json))."""
    def value(name):
        column = columns[name]
        return (row.get(column) or "").strip() if column else ""

    ticket = value("ticket_id")
    if not ticket:
        return "ticket id is empty", None
    if len(ticket) > 64:
        return f"ticket id {ticket[:20]!r}... is longer than 64 characters", None
    coords = {}
    for name, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        raw = value(name)
        try:
            coords[name] = float(raw)
        except ValueError:
            return f"{columns[name]} must be a number, got {raw!r}", None
        if not low <= coords[name] <= high:  # also refuses nan
            return f"{columns[name]} must be between {low} and {high}, got {raw}", None
    code = value("service_code") or default_service_code
    small_class = classes.get(code)
    if small_class is None:
        return f"unknown service_code {code!r}", None
    raw_attributes = {c: row[h] for c, h in attribute_columns.items() if (row.get(h) or "").strip()}
    try:
        attributes = clean_attribute_values(small_class.attributes, raw_attributes)
    except ValueError as exc:
        return str(exc), None
    return None, (small_class.pk, coords["lng"], coords["lat"], value("description"), value("address")[:255],
                  ticket, json.dumps(attributes, ensure_ascii=False))


def _insert(buffer: io.StringIO, channel: str) -> list[int]:
    with connection.cursor() as cursor:
        # ON COMMIT DROP cleans up normally; an enclosing transaction (a test,
        # a caller's atomic block) may still hold the previous import's tables.
        cursor.execute("DROP TABLE IF EXISTS import_rows, import_placed")
        cursor.execute("""
            CREATE TEMP TABLE import_rows (line int, small_class_id bigint, lng float8, lat float8,
                description text, address text, ticket text, attributes jsonb) ON COMMIT DROP""")
        cursor.copy_expert("COPY import_rows FROM STDIN WITH (FORMAT csv)", buffer)
        points = (f"(SELECT line AS ord, small_class_id, ST_SetSRID(ST_MakePoint(lng, lat), {STORAGE_SRID}) AS geom "
                  "FROM import_rows)")
        cursor.execute(f"CREATE TEMP TABLE import_placed ON COMMIT DROP AS {PLACE_SQL.format(points=points)}")
        cursor.execute("""
            SELECT p.ord, r.lat, r.lng FROM import_placed p JOIN import_rows r ON r.line = p.ord
            WHERE p.community_id IS NULL ORDER BY p.ord""")
        outside = cursor.fetchall()
        if outside:
            raise ImportRefused([f"line {line}: point (lat {lat}, lng {lng}) is outside the district: "
                                 "no community covers it" for line, lat, lng in outside])
        cursor.execute("""
            INSERT INTO events_event (token, small_class_id, description, address, attributes, location,
                grid_id, community_id, street_id, grid_code, community_code, street_code, department_id,
                routing_status, routing_rule_id, status, channel, idempotency_key, received_at, updated_at)
            SELECT gen_random_uuid(), r.small_class_id, coalesce(r.description, ''), coalesce(r.address, ''), r.attributes,
                ST_SetSRID(ST_MakePoint(r.lng, r.lat), %s), p.grid_id, p.community_id, p.street_id,
                coalesce(p.grid_code, ''), p.community_code, p.street_code, p.department_id,
                CASE WHEN p.department_id IS NULL THEN 'manual' ELSE 'routed' END, p.rule_id,
                'reported', %s, r.ticket, now(), now()
            FROM import_rows r JOIN import_placed p ON p.ord = r.line
            ORDER BY r.line
            ON CONFLICT (channel, idempotency_key) DO NOTHING
            RETURNING id""", [STORAGE_SRID, channel])
        return [row[0] for row in cursor.fetchall()]
