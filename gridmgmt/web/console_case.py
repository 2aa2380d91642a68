"""What a case page shows, for the console, the department queue and the worker's check alike: history, photos, deadline."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _

from gridmgmt.areas.models import Department
from gridmgmt.events.models import EventPhoto
from gridmgmt.web.console_filters import deadline_state
from gridmgmt.web.roles import ROLE_LABELS
from gridmgmt.web.status import STATUS_LABELS

# History actions (CaseHistory.action) in the user's language.
ACTION_LABELS = {
    "report": _("Reported"), "open": _("Opened (立案)"), "cancel": _("Cancelled (注销)"),
    "merge": _("Merged"), "dispatch": _("Dispatched (派遣)"), "accept": _("Accepted"),
    "assign": _("Handler assigned"), "note": _("Progress note"), "handle": _("Feedback (处理反馈)"),
    "verify_pass": _("Verified on site: closed"), "verify_fail": _("Verified on site: returned for rework"),
    "postpone_request": _("Postponement requested"), "postpone_approve": _("Postponement approved"),
    "postpone_refuse": _("Postponement refused"), "suspend": _("Suspended (挂账)"), "resume": _("Resumed"),
    "escalate": _("Overdue: escalated (督办)"),
    "redispatch": _("Redispatched (改派)"), "return": _("Returned as not the department's (退回)"),
    "reopen": _("Reopened for rework"), "self_handle": _("Fixed on the spot by the grid worker (即报即处)"),
}


# Steps whose photos show the matter afterwards: the department's feedback, the on-site check, the worker's own fix.
AFTER_ACTIONS = frozenset({"handle", "verify_pass", "verify_fail", "self_handle"})


def before_after(*, report_photos, history=()) -> dict:
    """Photos before and after, as ``templates/photos/_before_after.html`` shows them side by side.

    ``report_photos``: :class:`~gridmgmt.events.models.EventPhoto` rows (the
    before: a report's photos, for 即报即处 the worker's own photo before);
    ``history``: :class:`~gridmgmt.cases.models.CaseHistory` entries, oldest
    first, whose attachments of the steps in :data:`AFTER_ACTIONS` are the
    after, labelled with the step and its time. Returns
    ``{"before": [{"url", "label"}, ...], "after": [...]}``. Every ``url`` is
    the stored file's ``.url``, which :mod:`gridmgmt.events.photo_view`
    serves only to a reader whose jurisdiction covers the report or case.
    """
    before = [{"url": photo.image.url, "label": gettext("Report photo %(n)s") % {"n": n}}
              for n, photo in enumerate(report_photos, 1)]
    after = [{"url": attachment.file.url,
              "label": f"{ACTION_LABELS[entry.action]} · {date_format(timezone.localtime(entry.at), 'Y-m-d H:i')}"}
             for entry in history if entry.action in AFTER_ACTIONS
             for attachment in entry.attachments.all()]
    return {"before": before, "after": after}


def case_photos(case) -> dict:
    """:func:`before_after` of a case from :func:`gridmgmt.cases.selectors.case_get` (history prefetched)."""
    return before_after(report_photos=EventPhoto.objects.filter(event__case_source__case=case).order_by("id"),
                        history=case.history.all())


def dispatch_choice(case, history) -> dict:
    """The dispatch form's start: ``{"returned": latest 退回 entry or None, "returned_by": its department
    or None, "department_id": the department pre-selected or None}``. The routed department is pre-selected
    unless a department that returned the case is it: then none (the dispatcher chooses, giving the reason)."""
    returns = [entry for entry in history if entry.action == "return"]
    returned_ids = {entry.data.get("department") for entry in returns}
    routed = case.suggested_department_id
    latest = returns[-1] if returns else None
    return {"returned": latest,
            "returned_by": Department.objects.filter(pk=latest.data.get("department")).first() if latest else None,
            "department_id": routed if routed not in returned_ids else None}


def case_page_context(case) -> dict:
    """``case`` comes from :func:`gridmgmt.cases.selectors.case_get` (history and attachments prefetched)."""
    history = list(case.history.all())
    return {
        "case": case,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "deadline_state": deadline_state(case, timezone.now()),
        "history": [{"entry": entry, "action": ACTION_LABELS.get(entry.action, entry.action),
                     "role": ROLE_LABELS.get(entry.role, entry.role),
                     "status": STATUS_LABELS.get(entry.to_status, entry.to_status)} for entry in history],
        "photos": case_photos(case),
        "reports": [source.event for source in case.sources.select_related("event__reporter")],
        "pending_postponement": next((p for p in case.postponements.all() if p.status == "pending"), None),
        "dispatch": dispatch_choice(case, history),
    }
