"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2).

``service_code`` is the 4-digit small-class code. Requests carry the grid,
community and street codes as extra elements (the spec allows extensions).
Status is open/closed as the spec defines; the fine status of the case
workflow is given in ``status_notes``. POST needs an ``api_key`` issued per
channel (``manage.py create_api_key CHANNEL``); every front door ends in
:func:`gridmgmt.events.services.event_create`.
"""

import uuid
from datetime import timedelta
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.api_params import MAX_ID, datetime_param, int_list_param, int_value, point_param, shifted
from gridmgmt.events.api_keys import api_key_check
from gridmgmt.events.models import CLOSED_STATUSES, Event, SmallClass
from gridmgmt.events.selectors import event_list
from gridmgmt.events.services import event_create
from gridmgmt.json_input import json_loads
from gridmgmt.open311.formats import errors, respond
from gridmgmt.open311.policy import is_published, photo_published, policy, public_point, public_text, published
from gridmgmt.throttling import write_allowed

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
DEFAULT_WINDOW = timedelta(days=90)


def _w3c(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _service(small_class: SmallClass) -> dict:
    return {"service_code": small_class.code, "service_name": small_class.name,
            "description": small_class.name_en or small_class.description,
            "metadata": bool(small_class.attributes), "type": "realtime",
            "keywords": small_class.keywords, "group": small_class.big_class.name}


def _request(event: Event, request) -> dict:
    """One published request, shaped by the publication policy (gridmgmt.open311.policy)."""
    photo = next(iter(event.photos.all()), None) if photo_published(event) else None
    lat, lng = public_point(event)
    return {
        "service_request_id": event.pk,
        "status": "closed" if event.status in CLOSED_STATUSES else "open",
        "status_notes": event.status,
        "service_name": event.small_class.name,
        "service_code": event.small_class.code,
        "description": public_text(event, event.description),
        "agency_responsible": event.department.name if event.department else None,
        "service_notice": None,
        "requested_datetime": _w3c(event.received_at),
        "updated_datetime": _w3c(event.updated_at),
        "expected_datetime": None,
        "address": public_text(event, event.address),
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": request.build_absolute_uri(photo.image.url) if photo else None,
        "grid_code": event.grid_code,
        "community_code": event.community_code,
        "street_code": event.street_code,
    }


def _describe(exc: DjangoValidationError | ParamError) -> list[str]:
    detail = exc.message_dict if isinstance(exc, DjangoValidationError) else exc.detail
    if not isinstance(detail, dict):
        return [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    return [f"{field}: {m}" for field, messages in detail.items()
            for m in (messages if isinstance(messages, list) else [messages])]


@require_http_methods(["GET"])
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return respond(fmt, "discovery", {
        "changeset": "2026-01-01T00:00:00+08:00", "contact": "gridmgmt supervision centre",
        "key_service": "manage.py create_api_key CHANNEL",
        "endpoints": [{"specification": SPEC_URL, "url": base, "changeset": "2026-01-01T00:00:00+08:00",
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    })


@require_http_methods(["GET"])
def service_list(request, fmt):
    classes = SmallClass.objects.filter(active=True).select_related("big_class")
    return respond(fmt, "services", [_service(c) for c in classes])


@require_http_methods(["GET"])
def service_definition(request, code, fmt):
    small_class = SmallClass.objects.filter(code=code, active=True).first()
    if small_class is None:
        return errors(fmt, 404, f"service_code {code!r} not found")
    attributes = [{"variable": True, "code": a["code"], "datatype": a["datatype"],
                   "required": bool(a.get("required")), "datatype_description": a.get("datatype_description"),
                   "order": a.get("order", i + 1), "description": a.get("description", ""),
                   "values": a.get("values", [])}
                  for i, a in enumerate(small_class.attributes)]
    return respond(fmt, "service_definition", {"service_code": small_class.code, "attributes": attributes})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt):
    return _create(request, fmt) if request.method == "POST" else _list(request, fmt)


def _list(request, fmt):
    params = request.GET
    try:
        ids = int_list_param(params, "service_request_id", max_items=MAX_REQUESTS)
        end = datetime_param(params, "end_date")
        start = datetime_param(params, "start_date") or shifted(end or timezone.now(), -DEFAULT_WINDOW)
    except ParamError as exc:
        return errors(fmt, 400, *_describe(exc))
    if ids:  # the spec: with ids, all other parameters are ignored (the publication policy still applies)
        if len(ids) > policy()["max_ids"]:
            return errors(fmt, 400, f"service_request_id: at most {policy()['max_ids']} ids per request, "
                                    f"got {len(ids)}")
        events = event_list(ids=ids)
    else:
        statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            return errors(fmt, 400, f"status must be open and/or closed, got {params['status']!r}")
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        events = event_list(small_class_codes=codes or None, received_from=start, received_to=end)
        if statuses == {"open"}:
            events = events.exclude(status__in=CLOSED_STATUSES)
        elif statuses == {"closed"}:
            events = events.filter(status__in=CLOSED_STATUSES)
    events = published(events)[:policy()["max_requests"]]
    return respond(fmt, "service_requests", [_request(e, request) for e in events])


def _create(request, fmt):
    try:
        params, attributes = _post_params(request)
    except ValueError as exc:
        return errors(fmt, 400, str(exc))
    api_key = api_key_check(params.get("api_key"))
    if api_key is None:
        what = "missing" if not params.get("api_key") else "invalid or revoked"
        return errors(fmt, 403, f"api_key {what} -- can't proceed with create_request")
    allowed, wait = write_allowed(request, api_key=api_key)
    if not allowed:
        response = errors(fmt, 429, f"too many requests from this api_key: retry in {wait:.0f} s")
        response["Retry-After"] = str(max(1, round(wait)))
        return response
    if not params.get("service_code"):
        return errors(fmt, 400, "service_code: required")
    try:
        point = point_param(params, lat="lat", lng="long")
        result = event_create(
            small_class_code=params["service_code"], point=point, channel=api_key.channel, api_key=api_key,
            description=params.get("description", ""), address=params.get("address_string", ""),
            attributes=attributes, photos=request.FILES.getlist("media"),
            idempotency_key=params.get("idempotency_key") or request.headers.get("Idempotency-Key"),
        )
    except (DjangoValidationError, ParamError) as exc:
        return errors(fmt, 400, *_describe(exc))
    event = result.event
    return respond(fmt, "service_requests", [{"service_request_id": event.pk, "token": str(event.token),
                                              "service_notice": None, "account_id": None}],
                   status=201 if result.created else 200)


def _post_params(request) -> tuple[dict, dict]:
    """Parameters from a form (the spec), or a flat JSON object / XML element; raises ValueError."""
    content_type = request.content_type or ""
    if content_type == "application/json":
        body = json_loads(request.body or b"null")  # JSONInputError (a ValueError) names the problem
        if not isinstance(body, dict):
            raise ValueError("the JSON body must be an object of request parameters")
        attributes = body.pop("attribute", None) or {}
        params = {k: v for k, v in body.items() if not isinstance(v, (dict, list))}
        return _with_form_attributes(params, attributes, body)
    if content_type in ("application/xml", "text/xml"):
        if b"<!DOCTYPE" in request.body.upper() or b"<!ENTITY" in request.body.upper():
            raise ValueError("malformed XML: DTDs and entities are not accepted")
        try:
            root = ET.fromstring(request.body)
        except ET.ParseError as exc:
            raise ValueError(f"malformed XML: {exc}") from None
        params = {child.tag: (child.text or "").strip() for child in root if child.tag != "attribute"}
        attributes = {a.tag: (a.text or "").strip() for node in root.findall("attribute") for a in node}
        return params, attributes
    form: QueryDict = request.POST
    return _with_form_attributes({k: form.get(k) for k in form}, {}, form)


def _with_form_attributes(params: dict, attributes: dict, source) -> tuple[dict, dict]:
    """Collect ``attribute[code]`` (and ``attribute[code][]`` lists) keys into ``attributes``."""
    attributes = dict(attributes) if isinstance(attributes, dict) else {}
    for key in list(params):
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute["):-1]
            value = params.pop(key)
            if code.endswith("]["):  # attribute[code][] = multivaluelist
                code = code[:-2]
                value = source.getlist(key) if hasattr(source, "getlist") else value
            attributes[code] = value
    return params, attributes


@require_http_methods(["GET"])
def request_detail(request, request_id, fmt):
    try:
        request_id = int_value(request_id, "service_request_id", low=1, high=MAX_ID)
    except ParamError as exc:
        return errors(fmt, 404, *_describe(exc))
    event = event_list(ids=[request_id]).first()
    if event is None or not is_published(event):
        return errors(fmt, 404, f"service_request_id {request_id} not found")
    return respond(fmt, "service_requests", [_request(event, request)])


@require_http_methods(["GET"])
def token_detail(request, token, fmt):
    event = Event.objects.filter(token=token).only("pk", "token").first() if _is_uuid(token) else None
    if event is None:
        return errors(fmt, 404, f"token {token!r} not found")
    return respond(fmt, "service_requests", [{"service_request_id": event.pk, "token": str(event.token)}])


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
