"""JSON read from a request or a file a person gives, written once: the API's parser and fields, Open311,
the GIS editor, sensor payloads, and the catalogue, holiday and water-body files of the commands.

Python's ``json`` recurses once per nesting level: a body of a few thousand
``[`` raises ``RecursionError`` (not a ``ValueError``, so DRF's parser and
the views' ``except ValueError`` let it through as a 500), and a body nested
just under the interpreter's limit parses but overflows the next recursive
walk of it (a NUL check, a serializer's validation, the JSON column's
encoder). No request of this product nests deeper than a GeoJSON
MultiPolygon inside a body (six levels); :data:`MAX_DEPTH` leaves room.
``NaN`` and ``Infinity`` are refused too: they are not JSON (RFC 8259) and
no coordinate, count or measurement may be one; nor is a number such as
``1e400`` that only a float's infinity would hold.

Bytes are read as UTF-8 only: JSON exchanged between systems "MUST be
encoded using UTF-8" (RFC 8259 §8.1), and ``application/json`` has no
charset parameter (§11). Python's ``json.loads`` guesses UTF-16 and UTF-32
from the first bytes, and DRF's parser decoded by a declared charset, so a
sensor's UTF-16 payload or a body declared ``charset=utf-16`` was taken.
A leading UTF-8 byte order mark is ignored (§8.1 lets a parser do so).

A string (value or key) holding an unpaired surrogate (``"\\ud800"``) is
refused: JSON's escapes can write one, but it is no character (RFC 8259
§8.2), UTF-8 cannot encode it, and it ended as a ``UnicodeEncodeError`` (a
500) wherever the text went next: the database, a response, a file.
"""

import json
import math
import re
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32  # arrays and objects inside each other, the outermost counting 1
_SURROGATE = re.compile("[\ud800-\udfff]")  # left unpaired: a pair escaped in JSON is read as one character


class JSONInputError(ValueError):
    """A request's JSON that is malformed, not JSON (NaN), nested deeper than :data:`MAX_DEPTH`, holding an
    unpaired surrogate, or not UTF-8 (:class:`JSONEncodingError`)."""


class JSONEncodingError(JSONInputError):
    """JSON bytes that are not UTF-8."""


def json_text(data: bytes) -> str:
    """``data`` decoded as UTF-8 (a leading byte order mark dropped); :class:`JSONEncodingError` naming what
    it is instead (UTF-16, UTF-32, or the first byte that is not UTF-8)."""
    encoding = json.detect_encoding(data)  # by the BOM or the NULs of the first four bytes, as json.loads
    if not encoding.startswith("utf-8"):
        raise JSONEncodingError(f"JSON must be UTF-8 (RFC 8259 §8.1); this is {encoding.upper()}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JSONEncodingError(f"JSON must be UTF-8 (RFC 8259 §8.1); byte {data[exc.start]:#04x} at "
                                f"position {exc.start} is not UTF-8") from None


def _no_constants(name: str):
    raise JSONInputError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: a number JSON can write that no float holds
        raise JSONInputError(f"the number {text[:24]} is beyond the range of a float")
    return value


def json_loads(data: bytes | str) -> Any:
    """The value of ``data`` (UTF-8 bytes or text); raises :class:`JSONInputError` naming the problem."""
    if isinstance(data, (bytes, bytearray)):
        data = json_text(bytes(data))
    try:
        value = json.loads(data, parse_constant=_no_constants, parse_float=_finite_float)
    except RecursionError:
        raise JSONInputError(f"nested deeper than {MAX_DEPTH} levels of arrays and objects") from None
    except JSONInputError:
        raise
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise JSONInputError(f"malformed JSON: {exc}") from None
    _check(value)
    return value


def _check(value: Any) -> None:
    """Refuse ``value`` nested deeper than :data:`MAX_DEPTH` or holding an unpaired surrogate (without
    recursing)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                raise JSONInputError(f"a string holds the unpaired surrogate U+{ord(found.group()):04X}, "
                                     "which is no character (RFC 8259 §8.2)")
            continue
        inner = [*item, *item.values()] if isinstance(item, dict) else item if isinstance(item, list) else None
        if inner is None:
            continue
        if level > MAX_DEPTH:
            raise JSONInputError(f"nested deeper than {MAX_DEPTH} levels of arrays and objects")
        stack.extend((child, level + 1) for child in inner)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser reading through :func:`json_loads`: a hostile body is a 400 naming the problem."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:  # UTF-8 whatever charset the Content-Type declares (RFC 8259 §11: it has none)
            return json_loads(stream.read())
        except JSONInputError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
