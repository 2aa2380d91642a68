"""The notification inbox page (消息): every signed-in user's notifications, newest first, and marking them read.

Reads and writes are the cases app's (:func:`gridmgmt.cases.selectors.notifications_of`,
:mod:`gridmgmt.cases.notifications`), the ones the API uses. Opening a
notification marks it read and goes to the case on the page of the
reader's role (console, department or the worker's verification page).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gridmgmt.cases.notifications import (
    KIND_LABELS, notification_mark_read, notification_text, notifications_mark_all_read,
)
from gridmgmt.cases.selectors import notifications_of
from gridmgmt.web.roles import home_for

# Home page of the reader's role → the page that shows one case there.
CASE_PAGES = {"/console/": "web:console-case", "/department/": "web:department-case", "/worker/": "web:worker-verify"}
PAGE_SIZE = 50


@require_GET
@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    notes = notifications_of(request.user, unread=unread_only).select_related("case")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_only": unread_only,
        "items": [{"note": note, "kind": KIND_LABELS.get(note.kind, note.kind), "text": notification_text(note)}
                  for note in page.object_list],
    })


@require_POST
@login_required
def open_notification(request, notification_id: int):
    """Marks the notification read and goes to its case (or back to the inbox when it has none)."""
    note = notifications_of(request.user).filter(pk=notification_id).first()
    if note is None:
        raise Http404(f"notification {notification_id} not found")
    notification_mark_read(user=request.user, notification_id=note.pk)
    page = CASE_PAGES.get(home_for(request.user) or "")
    if note.case_id is None or page is None:
        return redirect("web:notifications")
    return redirect(reverse(page, args=[note.case_id]))


@require_POST
@login_required
def mark_all_read(request):
    notifications_mark_all_read(user=request.user)
    return redirect("web:notifications")
