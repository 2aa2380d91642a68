"""The grid worker's phone app (网格员): home map and tasks, report form, own reports, on-site verification.

Pages only read; every write goes through the same API the other clients
use (POST /api/events/, POST /api/cases/<id>/verify/ and /self-handle/), from
the page's JS, so the offline queue and the form share one path to the server.
"""

import json
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.utils import timezone
from django.views.decorators.http import require_GET

from gridmgmt.accounts.models import Role
from gridmgmt.cases.selectors import case_get
from gridmgmt.cases.serializers import CaseDetailSerializer
from gridmgmt.grids.selectors import grid_codes_retired
from gridmgmt.web import selectors
from gridmgmt.web.console_case import before_after, case_photos
from gridmgmt.web.names import local_name
from gridmgmt.web.roles import role_required
from gridmgmt.web.status import STATUS_LABELS

worker_only = role_required(Role.GRID_WORKER)


def _grids(codes: list[str]) -> dict:
    # Embedded in the page (not fetched) so the map of the grid works offline from the cached page.
    return json.loads(selectors.grids_layer(codes=codes, precision=settings.GEOJSON_PRECISION))


def _session_expires(request) -> datetime:
    """When the session really ends (UTC): a database session's stored expiry, not "now + age" (which
    ``get_expiry_date()`` answers when the expiry was never set explicitly, overstating it by the time since sign-in)."""
    store = request.session
    if isinstance(store, DatabaseSessionStore) and store.session_key:
        stored = store.model.objects.filter(session_key=store.session_key).values_list("expire_date", flat=True).first()
        if stored:
            return stored
    return store.get_expiry_date()


def worker_page(request, template: str, context: dict):
    """A worker page, labelled for the service worker with its user and the end of their session.

    sw.js caches each worker's pages in a cache of their own (named by
    ``X-Gridmgmt-User``, the username percent-encoded so any name fits a header) and serves them offline only until
    ``X-Gridmgmt-Session-Expires`` (ISO 8601, UTC): on a phone shared by two
    workers, the second never opens the first one's pages (robustness R14).
    """
    response = render(request, template, context)
    response["X-Gridmgmt-User"] = quote(request.user.get_username(), safe="")
    response["X-Gridmgmt-Session-Expires"] = _session_expires(request).isoformat()
    return response


@require_GET
@never_cache
@worker_only
def me(request):
    """``{"user": username}`` of the session: the offline queue sends a user's records only under their own session."""
    return JsonResponse({"user": request.user.get_username()})


@require_GET
def offline(request, signed_in: bool = False):
    """What sw.js shows offline for a worker page it does not hold; no one's data in either form.

    ``/worker/offline/``: no worker's session is known to be alive on the device, so no one is signed in.
    ``/worker/offline/signed-in/`` (``signed_in``): a session is alive but the page was never opened on
    the device. sw.js stores both fetched anonymously; opened directly, the page says what fits the
    reader's own session.
    """
    signed_in = signed_in or request.user.is_authenticated
    return render(request, "worker/offline.html", {"signed_in": signed_in})


@worker_only
def home(request):
    tasks = list(selectors.verification_tasks(request.user))
    return worker_page(request, "worker/home.html", {
        "grid_codes": selectors.worker_grid_codes(request.user),
        # A code bound before succession moved workers: say so rather than show an empty map.
        "retired_grids": grid_codes_retired(selectors.worker_grid_codes(request.user)),
        "grids_geojson": _grids(selectors.worker_grid_codes(request.user)),
        "tasks": tasks,
        # Embedded like the grids, so the tasks' pins show offline from the cached page.
        "task_points": [{"id": case.pk, "number": case.number, "lat": case.location.y, "lng": case.location.x,
                         "label": local_name(case.small_class),
                         "url": reverse("web:worker-verify", args=[case.pk])} for case in tasks],
    })


@worker_only
def report(request):
    return worker_page(request, "worker/report.html", {
        "catalogue": selectors.report_catalogue(),
        "grids_geojson": _grids(selectors.worker_grid_codes(request.user)),
    })


@worker_only
def reports(request):
    events = selectors.worker_reports(request.user)
    return worker_page(request, "worker/reports.html", {
        "events": [(event, STATUS_LABELS.get(event.status, event.status)) for event in events],
        "synced_at": timezone.now(),
    })


def _own_report(request, event_id: int):
    event = selectors.worker_report(request.user, event_id)
    if event is None:
        raise Http404(f"report {event_id} not found among your reports")
    return event


@require_GET
@worker_only
def report_detail(request, event_id: int):
    """One of my reports: its case, status and photos; cached per worker by sw.js so it opens offline."""
    event = _own_report(request, event_id)
    source = getattr(event, "case_source", None)
    # The case's own photos after (feedback, check) only when the case lies in my jurisdiction: the
    # photo view would refuse them otherwise. My report's photos are always mine to see.
    case = case_get(user=request.user, case_id=source.case_id) if source else None
    return worker_page(request, "worker/report_detail.html", {
        "event": event, "case": source.case if source else None,
        "status_label": STATUS_LABELS.get(event.status, event.status),
        "photos": case_photos(case) if case else before_after(report_photos=event.photos.all()),
        "synced_at": timezone.now(),
    })


@require_GET
@never_cache
@worker_only
def report_case(request, event_id: int):
    """``{"event": id, "case": {"id", "number", "version", "status", "self_handled"} | null}`` of one of my reports.

    What the offline queue reads between the two steps of 即报即处 (report,
    then close its case as fixed): which case the report became, at which
    version, and whether an earlier attempt already closed it.
    """
    event = _own_report(request, event_id)
    source = getattr(event, "case_source", None)
    case = source.case if source else None
    return JsonResponse({"event": event.pk, "case": case and {
        "id": case.pk, "number": case.number, "version": case.version, "status": case.status,
        "self_handled": case.self_handled}})


@worker_only
def verify(request, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404(f"case {case_id} not found")
    feedback = next((h for h in reversed(case.history.all()) if h.action == "handle"), None)
    return worker_page(request, "worker/verify.html", {
        "case": case, "case_json": CaseDetailSerializer(case).data, "feedback": feedback,
        "photos": case_photos(case),
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "grids_geojson": _grids([case.grid_code]),
    })
