"""即报即处 from the worker's phone: close one's own just-reported case as fixed on the spot, with a photo after.

The report's photos are the "before". The page only reads: its script puts
the photo(s) after and a note in the device's queue (offline_queue.js, kind
``self_handle`` with the report's id), which sends them to the API's
``self-handle`` step (:func:`gridmgmt.cases.self_handling.case_self_handle`)
now or when the network returns, like reports and verifications. A matter
fixed before it was even reported is recorded in one go on the report form.
"""

from django.http import Http404
from django.views.decorators.http import require_GET

from gridmgmt.accounts.models import Role
from gridmgmt.cases.models import Status
from gridmgmt.cases.selectors import case_get
from gridmgmt.web.console_case import case_photos
from gridmgmt.web.roles import role_required
from gridmgmt.web.worker import worker_page


@require_GET
@role_required(Role.GRID_WORKER)
def fixed_on_the_spot(request, case_id: int):
    case = case_get(user=request.user, case_id=case_id)
    report = case and case.sources.filter(event__reporter=request.user).order_by("event_id").first()
    if report is None:
        raise Http404(f"case {case_id} not found among your reports")
    photos = case_photos(case)
    return worker_page(request, "worker/fixed.html", {
        "case": case, "event_id": report.event_id, "photos": photos,
        "can_close": case.status == Status.REPORTED and bool(photos["before"]),
    })
