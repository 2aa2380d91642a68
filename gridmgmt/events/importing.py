"""Bulk import of reports (e.g. 12345 hotline tickets) from CSV: all rows or nothing.

Rows are checked in Python (numbers, codes, attributes: cheap per row), then
located, routed and inserted by set operations in SQL, chunk by chunk while
the file is still being read (:mod:`gridmgmt.events.import_store`); a file of
more than one chunk over several connections made atomic by two-phase commit
(:mod:`gridmgmt.events.import_parallel`). A bad row aborts the whole file
with its line number. Re-importing a file is harmless: a ticket id already stored for the channel
(the idempotency key) is skipped by the unique constraint.

Columns (a header is required; aliases in brackets accept the Boston 311
export shape): ``ticket_id`` [case_enquiry_id], ``lat`` [latitude], ``lng``
[long, longitude], ``service_code``, ``description`` [case_title],
``address`` [location], and ``attribute[<code>]`` per class attribute.
"""

import csv
import io
import itertools
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from gridmgmt.api_params import ascii_number
from gridmgmt.events.attributes import clean_attribute_values
from gridmgmt.events.import_parallel import parallel_possible, chunks_store_parallel
from gridmgmt.events.import_store import OutsideDistrict, chunks_store
from gridmgmt.events.models import Channel, SmallClass

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
    reader = csv.reader(text)
    header = [name.strip() for name in next(reader, [])]
    columns = {name: _column(header, name) for name in ALIASES}
    missing = [n for n in ("ticket_id", "lat", "lng") if columns[n] is None]
    if columns["service_code"] is None and not default_service_code:
        missing.append("service_code")
    if missing:
        raise ImportRefused([f"line 1: missing column(s) {', '.join(missing)}"])
    attribute_columns = {h[len("attribute["):-1]: i for i, h in enumerate(header)
                         if h.startswith("attribute[") and h.endswith("]")}
    check = _RowCheck(header, columns, attribute_columns, default_service_code,
                      {c.code: c for c in SmallClass.objects.filter(active=True)})

    rows = _CheckedRows(reader, check, settings.EVENTS_IMPORT_CHUNK_ROWS)
    chunks = iter(rows)
    first = list(itertools.islice(chunks, 2))  # a bad row among them refuses the file here, before any work
    chunks = itertools.chain(first, chunks)
    try:
        if len(first) > 1 and parallel_possible():
            created_ids = chunks_store_parallel(chunks, channel)
        else:
            with transaction.atomic():
                created_ids = chunks_store(chunks, channel)
    except OutsideDistrict as exc:
        raise ImportRefused([f"line {line}: point (lat {lat}, lng {lng}) is outside the district: "
                             "no community covers it" for line, lat, lng in exc.rows]) from None
    return ImportResult(rows.count, len(created_ids), rows.count - len(created_ids))


class _CheckedRows:
    """The file's rows, checked, in chunks of ``size``; counts them in ``count``.

    Chunks are handed out while the rest is still being read, so storing
    starts at once. After the first bad row no more chunks are given, the
    rest is still read to name every bad line, and iterating ends with
    :class:`ImportRefused`: whoever stores the chunks rolls back.
    """

    def __init__(self, reader, check, size: int):
        self.reader, self.check, self.size = reader, check, size
        self.count = 0

    def __iter__(self):
        errors, seen, chunk = [], {}, []
        for row in self.reader:
            line = self.reader.line_num
            self.count += 1
            problem, out = self.check(row)
            if problem is None and out[5] in seen:
                problem = f"ticket id {out[5]!r} repeats line {seen[out[5]]}"
            if problem:
                errors.append(f"line {line}: {problem}")
                continue
            seen[out[5]] = line
            if not errors:
                chunk.append((line, *out))
                if len(chunk) == self.size:
                    yield chunk
                    chunk = []
        if errors:
            raise ImportRefused(errors)
        if chunk:
            yield chunk


class _RowCheck:
    """Checks one CSV row (a list); column positions are looked up once per file, not per row."""

    def __init__(self, header, columns, attribute_columns, default_service_code, classes):
        self.names = columns
        self.width = len(header) + 1  # rows are padded to this; the last position is always ""
        at = {name: header.index(column) if column else len(header) for name, column in columns.items()}
        self.ticket, self.lat, self.lng = at["ticket_id"], at["lat"], at["lng"]
        self.service_code, self.description, self.address = at["service_code"], at["description"], at["address"]
        self.attribute_columns = attribute_columns
        self.default_service_code = default_service_code
        self.classes = classes

    def __call__(self, row):
        """(problem, None) or (None, (small_class_id, lng, lat, description, address, ticket, attributes))."""
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        ticket = row[self.ticket].strip()
        if not ticket:
            return "ticket id is empty", None
        if len(ticket) > 64:
            return f"ticket id {ticket[:20]!r}... is longer than 64 characters", None
        coords = []
        for name, index, low, high in (("lat", self.lat, -90, 90), ("lng", self.lng, -180, 180)):
            raw = row[index].strip()
            value = ascii_number(raw)  # the request parameters' rule: float() also took "١٢" and "1_0"
            if value is None:
                return f"{self.names[name]} must be a number, got {raw!r}", None
            if not low <= value <= high:  # also refuses nan
                return f"{self.names[name]} must be between {low} and {high}, got {raw}", None
            coords.append(value)
        code = row[self.service_code].strip() or self.default_service_code
        small_class = self.classes.get(code)
        if small_class is None:
            return f"unknown service_code {code!r}", None
        description, address = row[self.description].strip(), row[self.address].strip()[:255]
        if "\x00" in description or "\x00" in address or "\x00" in ticket:
            return "contains a NUL character, which text cannot hold", None
        attributes = {}
        if self.attribute_columns or small_class.attributes:  # most classes have none: skip the work
            raw_attributes = {c: row[i] for c, i in self.attribute_columns.items() if row[i].strip()}
            try:
                attributes = clean_attribute_values(small_class.attributes, raw_attributes)
            except ValueError as exc:
                return str(exc), None
        return None, (small_class.id, coords[1], coords[0], description, address, ticket, attributes)
