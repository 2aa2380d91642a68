"""The notification inbox page (消息): every signed-in user's notifications, newest first, and marking them read.

Reads and writes are the cases app's (:func:`gridmgmt.cases.selectors.notifications_of`,
:mod:`gridmgmt.cases.notifications`), the ones the API uses. Opening a
notification marks it read and goes to the case on the page of the
reader's role (console, department or the worker's verification page), if
the reader may open it now: a case that has left their hands (a department
returned it, it was redispatched elsewhere) goes back to its inbox entry,
which says what happened to it and when (:func:`cases_left`, the one rule).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gridmgmt.cases.notifications import (
    KIND_LABELS, notification_mark_read, notification_text, notifications_mark_all_read,
)
from gridmgmt.cases.models import CaseHistory
from gridmgmt.cases.selectors import case_list, notifications_of
from gridmgmt.web.console_case import ACTION_LABELS
from gridmgmt.web.roles import home_for

# Home page of the reader's role → the page that shows one case there.
CASE_PAGES = {"/console/": "web:console-case", "/department/": "web:department-case", "/worker/": "web:worker-verify"}
PAGE_SIZE = 50


def cases_left(user, case_ids) -> dict[int, str]:
    """``{case id: why}`` for those of ``case_ids`` the user may no longer open (decided now, at reading):
    ``why`` names the case's latest step and its local day, e.g. "Returned as not the department's (退回)
    on 2026-11-28". Cases the user may open are left out. Two queries whatever the number of ids."""
    wanted = set(case_ids)
    gone = wanted - set(case_list(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
    latest = CaseHistory.objects.filter(case_id__in=gone).order_by("case_id", "-at", "-id").distinct("case_id")
    return {step.case_id: gettext("This case has left your hands: %(step)s on %(day)s.") % {
        "step": ACTION_LABELS.get(step.action, step.action),
        "day": date_format(timezone.localtime(step.at), "Y-m-d")} for step in latest}


@require_GET
@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    notes = notifications_of(request.user, unread=unread_only).select_related("case")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    left = cases_left(request.user, {note.case_id for note in page.object_list if note.case_id})
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_only": unread_only,
        "items": [{"note": note, "kind": KIND_LABELS.get(note.kind, note.kind), "text": notification_text(note),
                   "left": left.get(note.case_id)} for note in page.object_list],
    })


@require_POST
@login_required
def open_notification(request, notification_id: int):
    """Marks the notification read and goes to its case; back to the inbox when it has none, and to its
    entry there (which says why) when the case has left the reader's hands."""
    note = notifications_of(request.user).filter(pk=notification_id).first()
    if note is None:
        raise Http404(f"notification {notification_id} not found")
    notification_mark_read(user=request.user, notification_id=note.pk)
    page = CASE_PAGES.get(home_for(request.user) or "")
    if note.case_id is None or page is None:
        return redirect("web:notifications")
    if cases_left(request.user, [note.case_id]):
        return redirect(f"{reverse('web:notifications')}#notification-{note.pk}")
    return redirect(reverse(page, args=[note.case_id]))


@require_POST
@login_required
def mark_all_read(request):
    notifications_mark_all_read(user=request.user)
    return redirect("web:notifications")
