"""The department queue (责任单位): cases dispatched to my department, and their steps.

Handler and head accept, add progress notes, feed back with photos and ask
for more time; the head also assigns a handler. Reads use the cases
selectors (a department sees only its own cases: another's is a 404).
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.api_params import MAX_ID, int_param
from gridmgmt.cases import postponements, services, ways_back
from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.cases.models import Status
from gridmgmt.cases.progress_notes import case_note_add
from gridmgmt.cases.selectors import case_get, case_list
from gridmgmt.cases.workflow import WITH_DEPARTMENT
from gridmgmt.events.models import TimeLimitUnit
from gridmgmt.web.case_place import case_place
from gridmgmt.web.console_actions import available_actions, post_step
from gridmgmt.web.console_case import case_page_context
from gridmgmt.web.console_filters import case_rows
from gridmgmt.web.roles import role_required

department_only = role_required(Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_HEAD)
# The queue: cases the department holds, and those it handled that wait for the on-site check.
QUEUE_STATUSES = (*sorted(WITH_DEPARTMENT), Status.HANDLED)
DEPARTMENT_ACTIONS = ("accept", "assign", "handle", "postpone_request", "return")
UNIT_LABELS = {TimeLimitUnit.WORKING_HOURS: gettext_lazy("working hours"),
               TimeLimitUnit.WORKING_DAYS: gettext_lazy("working days")}


@require_GET
@department_only
def queue(request):
    mine = request.GET.get("mine") == "1"
    cases = case_list(user=request.user, mine=mine).filter(status__in=QUEUE_STATUSES).order_by(
        "deadline", "-received_at")
    return render(request, "department/queue.html", {"rows": case_rows(cases[:200]), "mine": mine})


@require_GET
@department_only
def case_detail(request, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404(f"case {case_id} not found")
    actions = available_actions(request.user, case, DEPARTMENT_ACTIONS)
    if case.status in WITH_DEPARTMENT:
        actions.add("note")
    context = case_page_context(case)
    return render(request, "department/case.html", {
        **context, "place": case_place(case, context["reports"]), "actions": actions, "units": UNIT_LABELS.items(),
        "handlers": users_with_role(Role.DEPARTMENT_HANDLER, department_id=case.department_id)
        if "assign" in actions else [],
    })


def _photos(request) -> list:
    """Uploaded feedback photos, as sent: the service judges them by the one photo policy."""
    return request.FILES.getlist("photos")


def _assign(request, ref):
    handler_id = int_param(request.POST, "handler", default=0, low=0, high=MAX_ID)
    handler = users_with_role(Role.DEPARTMENT_HANDLER).filter(pk=handler_id).first()
    if handler is None:
        raise CaseInvalid(gettext("case %(id)s: choose a handler.") % {"id": ref["case_id"]})
    services.case_assign(**ref, handler=handler, note=request.POST.get("note", ""))


def _postpone(request, ref):
    value = int_param(request.POST, "value", default=0, low=0, high=MAX_ID)
    postponements.case_postpone_request(**ref, value=value,
                                        unit=request.POST.get("unit", ""), reason=request.POST.get("reason", ""))


STEPS = {
    "accept": (lambda r, ref: services.case_accept(**ref, note=r.POST.get("note", "")),
               gettext_lazy("Case %(id)s accepted.")),
    "assign": (_assign, gettext_lazy("Handler of case %(id)s assigned.")),
    "note": (lambda r, ref: case_note_add(**ref, note=r.POST.get("note", "")),
             gettext_lazy("Progress note added to case %(id)s.")),
    "handle": (lambda r, ref: services.case_handle(**ref, feedback=r.POST.get("feedback", ""), photos=_photos(r)),
               gettext_lazy("Feedback on case %(id)s sent; a grid worker will verify it on site.")),
    "postpone": (_postpone, gettext_lazy("Postponement of case %(id)s requested.")),
    "return": (lambda r, ref: ways_back.case_return(**ref, reason=r.POST.get("reason", "")),
               gettext_lazy("Case %(id)s returned to the dispatcher.")),
}


@require_POST
@department_only
def case_step(request, case_id: int, step: str):
    return post_step(request, case_id=case_id, step=step, steps=STEPS, page="web:department-case",
                     list_page="web:department")
