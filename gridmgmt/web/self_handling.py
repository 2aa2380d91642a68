"""即报即处 from the worker's phone: close one's own just-reported case as fixed on the spot, with a photo after.

The report's photos are the "before"; the page posts the "after" photo and
a note to :func:`gridmgmt.cases.self_handling.case_self_handle`, the service
the API's ``self-handle`` step calls. Online only: the offline queue carries
reports and verifications, not this step.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import MAX_ID, int_value
from gridmgmt.cases.errors import CaseError
from gridmgmt.cases.models import Status
from gridmgmt.cases.selectors import case_get
from gridmgmt.cases.self_handling import case_self_handle
from gridmgmt.web.console_case import case_photos
from gridmgmt.web.roles import role_required


@role_required(Role.GRID_WORKER)
def fixed_on_the_spot(request, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    if case is None or not case.sources.filter(event__reporter=request.user).exists():
        raise Http404(f"case {case_id} not found among your reports")
    if request.method == "POST" and case.status == Status.REPORTED:
        try:
            photos = [forms.ImageField().clean(upload) for upload in request.FILES.getlist("photos")]
            version = int_value(request.POST.get("version") or "0", "version", low=0, high=MAX_ID)
            case_self_handle(case_id=case.pk, version=version, actor=request.user,
                             note=request.POST.get("note", ""), photos=photos)
        except (CaseError, ValidationError, ValueError) as exc:
            detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, _("Refused: %(reason)s") % {"reason": detail})
        else:
            messages.success(request, _("Case %(number)s closed as fixed on the spot.") % {"number": case.number})
            return redirect("web:worker-reports")
    return render(request, "worker/fixed.html", {
        "case": case, "can_close": case.status == Status.REPORTED,
        "photos": case_photos(case),
    })
