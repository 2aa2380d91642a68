"""What a case page shows, for the console and the department queue alike: history, photos, deadline."""

from django.utils import timezone

from gridmgmt.events.models import EventPhoto
from gridmgmt.web.console_filters import deadline_state
from gridmgmt.web.status import STATUS_LABELS


def case_page_context(case) -> dict:
    """``case`` comes from :func:`gridmgmt.cases.selectors.case_get` (history and attachments prefetched)."""
    history = list(case.history.all())
    return {
        "case": case,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "deadline_state": deadline_state(case, timezone.now()),
        "history": [(entry, STATUS_LABELS.get(entry.to_status, entry.to_status)) for entry in history],
        "report_photos": EventPhoto.objects.filter(event__case_source__case=case).order_by("id"),
        "reports": [source.event for source in case.sources.select_related("event__reporter")],
        "pending_postponement": next((p for p in case.postponements.all() if p.status == "pending"), None),
    }
