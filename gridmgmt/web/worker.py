"""The grid worker's phone app (网格员): home map and tasks, report form, own reports, on-site verification.

Pages only read; every write goes through the same API the other clients
use (POST /api/events/, POST /api/cases/<id>/verify/), from the page's JS,
so the offline queue and the form share one path to the server.
"""

import json

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from gridmgmt.accounts.models import Role
from gridmgmt.cases.selectors import case_get
from gridmgmt.cases.serializers import CaseDetailSerializer
from gridmgmt.web import selectors
from gridmgmt.web.roles import role_required
from gridmgmt.web.status import STATUS_LABELS

worker_only = role_required(Role.GRID_WORKER)


def _grids(codes: list[str]) -> dict:
    # Embedded in the page (not fetched) so the map of the grid works offline from the cached page.
    return json.loads(selectors.grids_layer(codes=codes, precision=settings.GEOJSON_PRECISION))


@worker_only
def home(request):
    return render(request, "worker/home.html", {
        "grid_codes": selectors.worker_grid_codes(request.user),
        "grids_geojson": _grids(selectors.worker_grid_codes(request.user)),
        "tasks": selectors.verification_tasks(request.user),
    })


@worker_only
def report(request):
    return render(request, "worker/report.html", {
        "catalogue": selectors.report_catalogue(),
        "grids_geojson": _grids(selectors.worker_grid_codes(request.user)),
    })


@worker_only
def reports(request):
    events = selectors.worker_reports(request.user)
    return render(request, "worker/reports.html", {
        "events": [(event, STATUS_LABELS.get(event.status, event.status)) for event in events],
    })


@worker_only
def verify(request, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404(f"case {case_id} not found")
    feedback = next((h for h in reversed(case.history.all()) if h.action == "handle"), None)
    return render(request, "worker/verify.html", {
        "case": case, "case_json": CaseDetailSerializer(case).data, "feedback": feedback,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "grids_geojson": _grids([case.grid_code]),
    })
