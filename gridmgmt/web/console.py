"""The supervision and dispatch console (监督中心 / 指挥中心): case list with map, case page, steps.

Reads go through :mod:`gridmgmt.web.console_filters` (on top of the cases
selector, so jurisdiction applies); writes call the cases services.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import MAX_ID, int_value
from gridmgmt.areas.models import Department
from gridmgmt.cases import postponements, services, ways_back
from gridmgmt.cases.selectors import case_get, cases_visible_to
from gridmgmt.web.console_actions import available_actions, next_step, post_step, run_step, safe_next
from gridmgmt.web.console_case import case_page_context
from gridmgmt.cases.duplicates import likely_duplicates
from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.web.console_filters import DEFAULT_SORT, ConsoleFilterForm, case_rows, filter_cases, sorted_cases
from gridmgmt.web.names import local_name
from gridmgmt.web.pickers import picker_options
from gridmgmt.cases.workflow import TRANSITIONS
from gridmgmt.web.roles import role_required, roles_of

CONSOLE_ROLES = (Role.CALL_TAKER, Role.SHIFT_LEADER, Role.DISPATCHER, Role.COMMUNITY_SUPERVISOR,
                 Role.STREET_SUPERVISOR, Role.DISTRICT_LEADER)
console_only = role_required(*CONSOLE_ROLES)
PAGE_SIZE = 50
CONSOLE_ACTIONS = ("open", "cancel", "merge", "dispatch", "redispatch", "reopen", "suspend", "resume",
                   "postpone_decide")


def _case_points(rows) -> dict:
    """The listed cases as GeoJSON points (lng, lat) for the map beside the list; ``number`` is what people read,
    ``grid`` the grid code (a case page outlines its grid among its community's)."""
    features = []
    for row in rows:
        case = row["case"]
        features.append({
            "type": "Feature", "id": case.pk,
            "geometry": {"type": "Point", "coordinates": [case.location.x, case.location.y]},
            "properties": {"id": case.pk, "number": case.number, "status": str(row["status_label"]), "grid": case.grid_code,
                           "class_name": local_name(case.small_class), "deadline_state": row["deadline_state"]}})
    return {"type": "FeatureCollection", "features": features}


@require_GET
@console_only
def case_list(request):
    form = ConsoleFilterForm(request.GET)
    cases = filter_cases(user=request.user, data=form.cleaned_data) if form.is_valid() else cases_visible_to(
        request.user).none()
    sort = (form.cleaned_data.get("sort") if form.is_valid() else "") or DEFAULT_SORT
    page = Paginator(sorted_cases(cases, sort), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = case_rows(page.object_list)
    duplicates = likely_duplicates([row["case"].pk for row in rows], visible=cases_visible_to(request.user))
    for row in rows:
        row["duplicates"] = duplicates.get(row["case"].pk, [])
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(request, "console/list.html", {
        "form": form, "page": page, "rows": rows, "points": _case_points(rows),
        "filter_query": query.urlencode(), "departments": Department.objects.order_by("code"),
        "can_dispatch": bool(roles_of(request.user) & TRANSITIONS["dispatch"].roles),
        "columns": _sort_links(unsorted.urlencode(), sort), "pickers": picker_options(),
        "more_filters_set": _more_filters_set(form),
    })


def _more_filters_set(form) -> int:
    """How many filters besides the search are set or refused (their fold stays open on a phone)."""
    return sum(1 for field in form.visible_fields()
               if field.name != "q" and (form.data.get(field.name) or field.errors))


# List columns: (sort key or None, header).
LIST_COLUMNS = [("number", gettext_lazy("Case")), ("class", gettext_lazy("Class")),
                ("status", gettext_lazy("Status")), (None, gettext_lazy("Grid")),
                ("received", gettext_lazy("Received")), ("deadline", gettext_lazy("Deadline")),
                (None, gettext_lazy("Department"))]


def _sort_links(query: str, sort: str) -> list[dict]:
    """Headers of the list: each sortable one links to its ascending order, or descending when it is current."""
    columns = []
    for key, label in LIST_COLUMNS:
        if key is None:
            columns.append({"label": label})
            continue
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        target = f"-{key}" if state == "ascending" else key
        columns.append({"label": label, "key": key, "state": state,
                        "href": "?" + (f"{query}&" if query else "") + f"sort={target}"})
    return columns


@require_GET
@console_only
def case_detail(request, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404(f"case {case_id} not found")
    visible = cases_visible_to(request.user)
    duplicate_ids = likely_duplicates([case.pk], visible=visible).get(case.pk, [])
    return render(request, "console/case.html", {
        **case_page_context(case),
        "actions": available_actions(request.user, case, CONSOLE_ACTIONS), "next_step": next_step(case),
        "duplicates": visible.filter(pk__in=duplicate_ids).order_by("received_at", "id"),
        "departments": Department.objects.order_by("code"), "points": _case_points(case_rows([case])),
    })


def _case_refs(values: list[str]) -> list[tuple[int, int]]:
    """``id:version`` form values (merge, bulk dispatch) as pairs; a malformed one is refused by name."""
    refs = []
    for value in values:
        case_id, _sep, version = value.partition(":")
        try:
            refs.append((int_value(case_id, "case", low=1, high=MAX_ID), int_value(version, "case", low=0, high=MAX_ID)))
        except ParamError:
            raise CaseInvalid(_("'%(value)s' is not a case reference id:version.") % {"value": value}) from None
    return refs


def _department(code: str) -> Department | None:
    return Department.objects.filter(code=code).first() if code else None


# step in the URL → (service call, message on success)
STEPS = {
    "open": (lambda r, ref: services.case_open(**ref, note=r.POST.get("note", "")),
             gettext_lazy("Case %(id)s opened.")),
    "cancel": (lambda r, ref: services.case_cancel(**ref, note=r.POST.get("note", "")),
               gettext_lazy("Case %(id)s cancelled.")),
    "dispatch": (lambda r, ref: services.case_dispatch(**ref, department=_department(r.POST.get("department", "")),
                                                       reason=r.POST.get("reason", "")),
                 gettext_lazy("Case %(id)s dispatched.")),
    "redispatch": (lambda r, ref: ways_back.case_redispatch(
        **ref, department=_department(r.POST.get("department", "")), reason=r.POST.get("reason", "")),
        gettext_lazy("Case %(id)s redispatched.")),
    "reopen": (lambda r, ref: ways_back.case_reopen(**ref, reason=r.POST.get("reason", "")),
               gettext_lazy("Case %(id)s reopened for rework.")),
    "merge": (lambda r, ref: services.case_merge(**ref, others=_case_refs(r.POST.getlist("other")),
                                                 note=r.POST.get("note", "")),
              gettext_lazy("Duplicates merged into case %(id)s.")),
    "suspend": (lambda r, ref: services.case_suspend(**ref, note=r.POST.get("note", "")),
                gettext_lazy("Case %(id)s suspended.")),
    "resume": (lambda r, ref: services.case_resume(**ref, note=r.POST.get("note", "")),
               gettext_lazy("Case %(id)s resumed.")),
    "postpone-decision": (lambda r, ref: postponements.case_postpone_decide(
        **ref, approve=r.POST.get("approve") == "1", note=r.POST.get("note", "")),
        gettext_lazy("Postponement of case %(id)s decided.")),
}


@require_POST
@console_only
def case_step(request, case_id: int, step: str):
    return post_step(request, case_id=case_id, step=step, steps=STEPS, page="web:console-case",
                     list_page="web:console")


@require_POST
@console_only
def dispatch_bulk(request):
    """Dispatches the ticked cases (``case`` = "id:version", repeated); one refusal refuses all."""
    back = safe_next(request, reverse("web:console"))
    refs = []
    for value in request.POST.getlist("case"):
        case_id, _sep, version = value.partition(":")
        refs.append((int_value(case_id, "case", low=1, high=MAX_ID), int_value(version, "case", low=0, high=MAX_ID)))
    if not refs:
        messages.error(request, _("Tick at least one case to dispatch."))
        return redirect(back)
    visible = set(cases_visible_to(request.user).filter(pk__in=[i for i, _v in refs]).values_list("pk", flat=True))
    if any(case_id not in visible for case_id, _v in refs):
        raise Http404("some cases were not found")
    run_step(request, lambda: services.case_dispatch_bulk(
        cases=refs, actor=request.user, department=_department(request.POST.get("department", "")),
        reason=request.POST.get("reason", "")),
        done=_("%(count)d cases dispatched.") % {"count": len(refs)})
    return redirect(back)
