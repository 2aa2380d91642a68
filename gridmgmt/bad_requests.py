"""Middleware answering bad request parameters with 400 wherever a view is, in the caller's format.

* A query string or a path carrying a control character (NUL or another C0
  code) is refused before any view reads it: NUL reaches PostgreSQL as a text
  literal it cannot hold, and the others cannot be written into XML. No
  parameter or path segment of the API, Open311 or the pages takes one.
* A posted form field (urlencoded or multipart; pages and Open311) holding NUL
  is refused likewise. Other controls in posted text are removed where it is
  stored (:func:`gridmgmt.api_params.clean_text`); JSON bodies are the API
  serializers' (DRF refuses NUL in every text field).
* A parameter error raised by :mod:`gridmgmt.api_params` in a view outside
  DRF (the pages, Open311) becomes a 400 as it does in the API.

Format: Open311's error list under ``/open311/``, DRF's ``{name: [message]}``
under ``/api/``, plain text elsewhere.
"""

import json

from django.http import HttpResponse
from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.api_params import has_control_characters


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _offending(query, bad=has_control_characters) -> str | None:
    for name, values in query.lists():
        if bad(name) or any(bad(v) for v in values):
            return name
    return None


def _has_nul(value: str) -> bool:
    return "\x00" in value


def bad_request(path: str, detail: dict) -> HttpResponse:
    """A 400 of ``{name: message or [messages]}`` in the format of the resource at ``path``."""
    detail = {name: messages if isinstance(messages, list) else [messages] for name, messages in detail.items()}
    if path.startswith("/open311/"):
        from gridmgmt.open311.formats import errors

        lines = [f"{name}: {m}" for name, messages in detail.items() for m in messages]
        return errors("xml" if path.endswith(".xml") else "json", 400, *lines)
    if path.startswith("/api/"):
        return HttpResponse(json.dumps(detail, ensure_ascii=False), status=400, content_type="application/json")
    text = "\n".join(str(m) for messages in detail.values() for m in messages)
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


class BadRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = _offending(request.GET)
        if name is not None:
            message = f"'{name}' contains a control character (NUL or another C0 code), which no parameter takes"
            return bad_request(request.path, {name: message})
        if has_control_characters(request.path):
            return bad_request(request.path, {"path": "the path contains a control character (NUL or another C0 "
                                                      "code), which no address takes"})
        if request.method == "POST" and request.content_type in FORMS:
            name = _offending(request.POST, _has_nul)
            if name is not None:
                return bad_request(request.path, {name: f"'{name}' contains a NUL character"})
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ParamError) and isinstance(exception.detail, dict):
            return bad_request(request.path, {str(k): [str(m) for m in (v if isinstance(v, list) else [v])]
                                              for k, v in exception.detail.items()})
        return None
