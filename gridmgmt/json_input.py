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
no coordinate, count or measurement may be one.
"""

import json
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32  # arrays and objects inside each other, the outermost counting 1


class JSONInputError(ValueError):
    """A request's JSON that is malformed, not JSON (NaN), or nested deeper than :data:`MAX_DEPTH`."""


def _no_constants(name: str):
    raise JSONInputError(f"{name} is not a JSON number")


def json_loads(data: bytes | str) -> Any:
    """The value of ``data`` (UTF-8 bytes or text); raises :class:`JSONInputError` naming the problem."""
    try:
        value = json.loads(data, parse_constant=_no_constants)
    except RecursionError:
        raise JSONInputError(f"nested deeper than {MAX_DEPTH} levels of arrays and objects") from None
    except JSONInputError:
        raise
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise JSONInputError(f"malformed JSON: {exc}") from None
    if _depth(value) > MAX_DEPTH:
        raise JSONInputError(f"nested deeper than {MAX_DEPTH} levels of arrays and objects")
    return value


def _depth(value: Any) -> int:
    """How many arrays and objects lie inside each other in ``value`` (without recursing)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        inner = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if inner is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in inner)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser reading through :func:`json_loads`: a hostile body is a 400 naming the problem."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_loads(stream.read().decode(encoding))
        except (JSONInputError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
