"""Workflow steps taken from the pages (console and department queue): which apply, and running one.

The pages post ordinary forms; each step calls the same service the API
calls. A refused step (wrong state or role, stale version, missing reason)
comes back as the service's message; nothing is changed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, gettext_lazy

from gridmgmt.accounts.jurisdiction import roles_over
from gridmgmt.api_params import MAX_ID, int_param
from gridmgmt.cases.errors import CaseError
from gridmgmt.cases.selectors import case_get
from gridmgmt.cases.workflow import TRANSITIONS
from gridmgmt.web.roles import ROLE_LABELS

# The main line of the loop, one step per state: "who acts next" names these (the side steps - merge, cancel,
# suspend, postponing, redispatch, return - are choices, not the next step). Who may take each is TRANSITIONS'.
FORWARD_STEPS = {
    "open": gettext_lazy("register it (立案) or cancel it as invalid (注销)"),
    "dispatch": gettext_lazy("dispatch it to a department (派遣)"),
    "accept": gettext_lazy("accept it"),
    "handle": gettext_lazy("handle it and feed back (处理反馈)"),
    "verify_pass": gettext_lazy("check the fix on site (核查)"),
    "resume": gettext_lazy("resume it"),
}


def available_actions(user, case, names) -> set[str]:
    """The workflow actions among ``names`` that the user may take on the case now."""
    roles = roles_over(user, case)
    return {name for name in names
            if case.status in TRANSITIONS[name].sources and roles & TRANSITIONS[name].roles}


def next_step(case) -> str | None:
    """Who acts next on the case and what they do, e.g. "Next: Call-taker or Shift leader must register it
    (立案) or cancel it as invalid (注销)." (in the user's language); None once the loop is over (closed,
    cancelled, merged)."""
    step = next((name for name in FORWARD_STEPS if case.status in TRANSITIONS[name].sources), None)
    if step is None:
        return None
    roles = [str(ROLE_LABELS[role]) for role in ROLE_LABELS if role in TRANSITIONS[step].roles]
    return _("Next: %(roles)s must %(step)s.") % {"roles": _(" or ").join(roles), "step": FORWARD_STEPS[step]}


def run_step(request, step, *, done: str) -> bool:
    """Runs ``step()``; tells the user ``done`` or the refusal (service or upload check). True on success."""
    try:
        step()
    except CaseError as exc:
        messages.error(request, _("Refused: %(reason)s") % {"reason": exc})
        return False
    except ValidationError as exc:
        messages.error(request, _("Refused: %(reason)s") % {"reason": " ".join(exc.messages)})
        return False
    messages.success(request, done)
    return True


def post_step(request, *, case_id: int, step: str, steps: dict, page: str, list_page: str):
    """A step posted from a case page: ``steps[step]`` = (call(request, ref), success message); back to ``page``.

    A case outside the user's jurisdiction is a 404, as in the API. When the
    step took the case out of the user's sight (a department returning it),
    the user goes back to ``list_page`` instead of a page they may not see.
    """
    if step not in steps:
        raise Http404(f"no step {step!r}")
    case = case_get(user=request.user, case_id=case_id)
    if case is None:
        raise Http404(f"case {case_id} not found")
    version = int_param(request.POST, "version", default=None, low=0, high=MAX_ID)
    if version is None:
        return HttpResponseBadRequest("'version' is required")
    action, done = steps[step]
    ref = {"case_id": case_id, "version": version, "actor": request.user}
    run_step(request, lambda: action(request, ref), done=done % {"id": case.number})
    if case_get(user=request.user, case_id=case_id) is None:
        return redirect(reverse(list_page))
    return redirect(reverse(page, args=[case_id]))


def safe_next(request, default: str) -> str:
    """The ``next`` field if it points into this site (a filtered list), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default
