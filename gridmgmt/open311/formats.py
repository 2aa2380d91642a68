"""Open311 GeoReport v2 output: the same data as XML (required) or JSON.

Responses are built as plain dicts and lists, then written in the format the
URL's extension asks for. XML element names for list items follow the spec
(``services/service``, ``service_requests/request``, ...); None is an empty
element in XML and ``null`` in JSON.
"""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from gridmgmt.api_params import strip_control_characters

ITEM_TAGS = {"services": "service", "service_requests": "request", "attributes": "attribute",
             "values": "value", "errors": "error", "endpoints": "endpoint", "formats": "format"}
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def _xml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # Intake strips C0 controls, but rows stored before that rule or by other
    # paths must not make the whole document unreadable for every client.
    return "" if value is None else strip_control_characters(str(value))


def _append(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list):
        for item in value:
            _append(element, ITEM_TAGS[tag], item)
    else:
        element.text = _xml_value(value)


def to_xml(root_tag: str, body) -> bytes:
    """``body`` is a list (items of ``root_tag``) or a dict (children of ``root_tag``)."""
    root = ET.Element(root_tag)
    if isinstance(body, list):
        for item in body:
            _append(root, ITEM_TAGS[root_tag], item)
    else:
        for key, value in body.items():
            _append(root, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def respond(fmt: str, root_tag: str, body, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        content = to_xml(root_tag, body)
    else:
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error format: a list of {code, description}, code = the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)
