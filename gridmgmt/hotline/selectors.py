"""Reads of the hotline's calls."""

from gridmgmt.cases.models import Case
from gridmgmt.hotline.models import HotlineCall


def call_taken(*, user, event_id: int) -> tuple[int, Case | None] | None:
    """``(report id, its case or None while none is open)`` for a call ``user`` took, else None (another
    call-taker's call or no such report: the saved notice names only one's own)."""
    call = HotlineCall.objects.filter(event_id=event_id, taken_by=user).select_related(
        "event__case_source__case").first()
    if call is None:
        return None
    source = getattr(call.event, "case_source", None)
    return call.event_id, source.case if source else None
