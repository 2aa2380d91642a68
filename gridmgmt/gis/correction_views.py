"""Pages of base-data corrections: the worker's form (/gis/field/) and the decision list (/gis/corrections/).

Plain forms that work on any phone; the services in ``gridmgmt.gis.corrections`` do the work.
"""

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import MAX_ID, int_param, point_param
from gridmgmt.areas.models import Building
from gridmgmt.gis.corrections import (CorrectionError, worker_grid, correction_decide, correction_propose,
                                      corrections_decidable)
from gridmgmt.gis.models import CorrectionKind
from gridmgmt.web.roles import role_required

# More households than this in one building is a typing slip, not a count.
MAX_HOUSEHOLDS = 10_000


def _parsed(parse, *args, **kwargs):
    """A value read by the one parameter parser (``gridmgmt.api_params``); its refusal as a CorrectionError."""
    try:
        return parse(*args, **kwargs)
    except ValidationError as exc:
        raise CorrectionError("; ".join(exc.messages)) from None


def _point(post) -> Point | None:
    if not post.get("lng") and not post.get("lat"):
        return None
    return _parsed(point_param, post)


@role_required(Role.GRID_WORKER)
def field_form(request):
    """The worker proposes a correction of their grid's base data."""
    try:
        grid = worker_grid(request.user)
    except CorrectionError as exc:
        return render(request, "gis/field.html", {"error": str(exc)}, status=403)
    status = 200
    if request.method == "POST":
        try:
            correction_propose(user=request.user, kind=request.POST.get("kind", ""),
                               building_id=_parsed(int_param, request.POST, "building", default=None, low=1, high=MAX_ID),
                               households=_parsed(int_param, request.POST, "households", default=None, low=0,
                                                                high=MAX_HOUSEHOLDS),
                               address=request.POST.get("address", ""),
                               component_code=request.POST.get("component", ""), location=_point(request.POST),
                               photo=request.FILES.get("photo"), note=request.POST.get("note", ""))
        except CorrectionError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, _("Sent: the GIS editor will decide."))
            return redirect("gis:field")
    buildings = Building.objects.filter(location__coveredby=grid.polygon).order_by("address", "id")[:500]
    return render(request, "gis/field.html", {"grid": grid, "buildings": buildings, "kinds": CorrectionKind.choices},
                  status=status)


@role_required(Role.GIS_EDITOR, Role.COMMUNITY_SUPERVISOR)
def corrections_list(request):
    """Pending corrections the reader may decide, each with accept and reject."""
    if request.method == "POST":
        try:
            decided = correction_decide(user=request.user, correction_id=_parsed(int_param, request.POST, "correction", default=0, low=0, high=MAX_ID),
                                        accept=request.POST.get("decision") == "accept",
                                        note=request.POST.get("note", ""))
        except CorrectionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Correction %(id)s: %(status)s.") % {"id": decided.pk,
                                                                           "status": decided.get_status_display()})
        return redirect("gis:corrections")
    return render(request, "gis/corrections.html", {"corrections": corrections_decidable(request.user)[:200]})
