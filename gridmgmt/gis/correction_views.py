"""Pages of base-data corrections: the worker's form (/gis/field/) and the decision list (/gis/corrections/).

Plain forms that work on any phone (gis_field.js fills the position from the
phone's GPS and shows the fields of the chosen kind); the services in
``gridmgmt.gis.corrections`` do the work.
"""

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import MAX_ID, clean_text, code_param, int_param, point_param
from gridmgmt.areas.models import Building
from gridmgmt.gis.corrections import (MAX_HOUSEHOLDS, CorrectionError, component_classes, correction_decide,
                                      correction_propose, corrections_decidable, worker_grid)
from gridmgmt.gis.models import BuildingUse, CorrectionKind
from gridmgmt.gis.selectors import corrections_map
from gridmgmt.web.roles import role_required

# The two buttons of the decision page (frontend/templates/gis/corrections.html).
DECISIONS = ("accept", "reject")


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


def _propose(request):
    post = request.POST

    def text(name: str, max_length: int) -> str:  # free text by the one intake rule (no NUL, no controls)
        return _parsed(clean_text, post.get(name, ""), name, max_length=max_length)

    return correction_propose(
        user=request.user, kind=post.get("kind", ""),
        building_id=_parsed(int_param, post, "building", default=None, low=1, high=MAX_ID),
        households=_parsed(int_param, post, "households", default=None, low=0, high=MAX_HOUSEHOLDS),
        address=text("address", 255), use=post.get("use", ""),
        component_code=_parsed(code_param, post, "component", lengths=(16,)) or "",
        small_class_code=_parsed(code_param, post, "small_class", lengths=(4,)) or "",
        component_name=text("component_name", 128), location=_point(post), photo=request.FILES.get("photo"),
        note=text("note", 500))


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
            _propose(request)
        except CorrectionError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, _("Sent: the GIS editor will decide."))
            return redirect("gis:field")
    buildings = Building.objects.filter(location__coveredby=grid.polygon).order_by("address", "id")[:500]
    return render(request, "gis/field.html", {
        "grid": grid, "buildings": buildings, "kinds": CorrectionKind.choices, "uses": BuildingUse.choices,
        "classes": component_classes()}, status=status)


@role_required(Role.GIS_EDITOR, Role.COMMUNITY_SUPERVISOR)
def corrections_list(request):
    """Pending corrections the reader may decide, each with its photo, its place on a map, accept and reject."""
    if request.method == "POST":
        try:
            decision = request.POST.get("decision", "")
            if decision not in DECISIONS:  # anything but "accept" was a rejection, without a word
                raise CorrectionError(_("Choose accept or reject."))
            decided = correction_decide(
                user=request.user, correction_id=_parsed(int_param, request.POST, "correction", default=0, low=0,
                                                         high=MAX_ID),
                accept=decision == "accept",
                note=_parsed(clean_text, request.POST.get("note", ""), "note", max_length=500))
        except CorrectionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Correction %(id)s: %(status)s.") % {"id": decided.pk,
                                                                           "status": decided.get_status_display()})
        return redirect("gis:corrections")
    corrections = list(corrections_decidable(request.user)[:200])
    return render(request, "gis/corrections.html", {"corrections": corrections,
                                                    "places": corrections_map(corrections)})
