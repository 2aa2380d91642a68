"""Extra attributes of a small class, in Open311 GeoReport v2's shape.

A definition is a dict::

    {"code": "depth_cm", "datatype": "number", "required": true,
     "description": "Water depth (积水深度), in centimetres", "order": 1,
     "values": []}

``datatype`` is one of Open311's: string, number, datetime, text,
singlevaluelist, multivaluelist; list types carry ``values`` as
``[{"key": ..., "name": ...}]``. Pure functions (no models, no requests): they raise
``ValueError`` with a message that names the attribute.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from gridmgmt.api_params import ascii_number, datetime_value

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_TYPES = ("singlevaluelist", "multivaluelist")


def validate_attribute_definitions(definitions: Any) -> None:
    if not isinstance(definitions, list):
        raise ValueError("attributes must be a list of definitions")
    seen = set()
    for index, definition in enumerate(definitions):
        if not isinstance(definition, dict):
            raise ValueError(f"attribute #{index + 1} must be an object")
        code = definition.get("code")
        if not isinstance(code, str) or not code:
            raise ValueError(f"attribute #{index + 1} needs a non-empty 'code'")
        if code in seen:
            raise ValueError(f"attribute code {code!r} appears twice")
        seen.add(code)
        datatype = definition.get("datatype")
        if datatype not in DATATYPES:
            raise ValueError(f"attribute {code!r}: datatype must be one of {', '.join(DATATYPES)}, got {datatype!r}")
        values = definition.get("values", [])
        if datatype in LIST_TYPES:
            if not values or not all(isinstance(v, dict) and "key" in v and "name" in v for v in values):
                raise ValueError(f"attribute {code!r}: a {datatype} needs 'values' as [{{key, name}}, ...]")
        if not isinstance(definition.get("required", False), bool):
            raise ValueError(f"attribute {code!r}: 'required' must be true or false")


def clean_attribute_values(definitions: list[dict], values: Any) -> dict[str, Any]:
    """Check ``values`` (attribute code → raw value) against ``definitions``.

    Returns the values normalised (numbers as float, multivalue lists as
    lists of keys as strings). Unknown codes, missing required values and
    values outside a list's keys are refused.
    """
    if values in (None, ""):
        values = {}
    if not isinstance(values, dict):
        raise ValueError(_("attribute values must be an object keyed by attribute code"))
    by_code = {d["code"]: d for d in definitions}
    unknown = sorted(set(values) - set(by_code))
    if unknown:
        raise ValueError(_("unknown attribute '%(code)s'; this class has: %(codes)s")
                         % {"code": unknown[0], "codes": ", ".join(by_code) or _("none")})
    cleaned: dict[str, Any] = {}
    for code, definition in by_code.items():
        raw = values.get(code)
        if raw in (None, "", []):
            if definition.get("required"):
                raise ValueError(_("attribute '%(code)s' is required") % {"code": code})
            continue
        cleaned[code] = _clean_value(code, definition, raw)
    return cleaned


# A client's own attributes (Open311 clients send e.g. attribute[client_ref])
# are kept, not validated; these caps keep them a note, not a storage service.
MAX_CLIENT_ATTRIBUTES = 20
MAX_CLIENT_ATTRIBUTE_CHARS = 200


def split_attribute_values(definitions: list[dict], values: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """``values`` split into (the class's own attributes, checked by :func:`clean_attribute_values`;
    the client's other keys, as short texts kept apart).

    Raises ``ValueError`` naming the attribute: a bad value of a known
    attribute, a client key holding an object, or more than the caps allow.
    """
    if values in (None, ""):
        values = {}
    if not isinstance(values, dict):
        raise ValueError(_("attribute values must be an object keyed by attribute code"))
    known_codes = {d["code"] for d in definitions}
    known = {code: value for code, value in values.items() if code in known_codes}
    client = {str(code): value for code, value in values.items() if code not in known_codes}
    if len(client) > MAX_CLIENT_ATTRIBUTES:
        raise ValueError(_("at most %(limit)s attributes besides the class's own, got %(count)s")
                         % {"limit": MAX_CLIENT_ATTRIBUTES, "count": len(client)})
    for code, value in client.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(_("attribute '%(code)s' (not one of this class's) must be text or a number")
                             % {"code": code})
        if len(code) > 64 or len(str(value)) > MAX_CLIENT_ATTRIBUTE_CHARS:
            raise ValueError(_("attribute '%(code)s' (not one of this class's) is longer than %(limit)s characters")
                             % {"code": code[:64], "limit": MAX_CLIENT_ATTRIBUTE_CHARS})
        client[code] = str(value)
    return clean_attribute_values(definitions, known), client


def _clean_value(code: str, definition: dict, raw: Any) -> Any:
    datatype = definition["datatype"]
    if datatype == "number":  # the request parameters' number rule: ASCII, finite, never true/false
        value = ascii_number(raw)
        if value is None:
            raise ValueError(_("attribute '%(code)s' must be a finite number, got %(value)r")
                             % {"code": code, "value": raw})
        return value
    if datatype == "datetime":  # the request parameters' date-time rule: fromisoformat alone took 20261201
        try:
            return datetime_value(raw, code).isoformat()
        except ValidationError:
            raise ValueError(_("attribute '%(code)s' must be an ISO 8601 date-time, got %(value)r")
                             % {"code": code, "value": raw}) from None
    if datatype in LIST_TYPES:
        keys = {str(v["key"]) for v in definition["values"]}
        chosen = raw if isinstance(raw, list) else [raw]
        if datatype == "singlevaluelist" and len(chosen) != 1:
            raise ValueError(_("attribute '%(code)s' takes one value, got %(count)s") % {"code": code, "count": len(chosen)})
        chosen = [str(v) for v in chosen]
        bad = [v for v in chosen if v not in keys]
        if bad:
            raise ValueError(_("attribute '%(code)s': '%(value)s' is not one of %(keys)s")
                             % {"code": code, "value": bad[0], "keys": ", ".join(sorted(keys))})
        return chosen[0] if datatype == "singlevaluelist" else chosen
    if not isinstance(raw, (str, int, float)):
        raise ValueError(_("attribute '%(code)s' must be text, got %(type)s") % {"code": code, "type": type(raw).__name__})
    return str(raw)
