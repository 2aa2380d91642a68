"""The demo's month of synthetic cases: every state present, spread over 30 days, loaded once."""

import io
from datetime import datetime, timedelta

from django.utils import timezone

from fixtures.yuexiu.demo_cases import PLAN, demo_cases_load
from gridmgmt.cases.models import Case, CaseHistory


def test_demo_month_has_cases_in_every_state_spread_over_30_days_and_loads_once(small_district):
    out = io.StringIO()
    demo_cases_load(stdout=out, community_code=small_district.community.code)
    counts = {status: Case.objects.filter(status=status).count() for status in PLAN}
    assert counts == PLAN
    now = timezone.now()
    received = list(Case.objects.values_list("received_at", flat=True))
    assert min(received) < now - timedelta(days=7) and all(now - timedelta(days=31) < r < now for r in received)
    for case in Case.objects.all():  # the history moved with its case: nothing before the report, nothing ahead
        stamps = list(CaseHistory.objects.filter(case=case).values_list("at", flat=True))
        assert all(case.received_at - timedelta(seconds=1) <= at <= now for at in stamps)
    demo_cases_load(stdout=out, community_code=small_district.community.code)
    assert Case.objects.count() == sum(PLAN.values()) and "already loaded" in out.getvalue()


def test_demo_deadlines_are_the_working_calendars_from_the_dispatch_and_the_notices_say_them(small_district):
    """The demo's cases were driven today and then moved back by a fractional number of days: a 4-working-hour
    case dispatched on 2026-11-19 at 17:55 was due at 08:37 (no working calendar gives that; 11:55 it does),
    and the department's notice of it, dated today, named today's deadline. Each deadline is now the
    calendar's from the moment the clock last started (dispatch, or rework), and each notice of a dispatch
    is dated at the dispatch and names the case's deadline in Beijing time."""
    from gridmgmt.cases.models import Notification, NotificationKind
    from gridmgmt.cases.notifications import local_time
    from gridmgmt.cases.working_calendar import working_calendar

    demo_cases_load(stdout=io.StringIO(), community_code=small_district.community.code)
    calendar = working_calendar()
    clocked = Case.objects.exclude(deadline=None).select_related("small_class")
    assert clocked.count() == sum(PLAN[s] for s in ("dispatched", "accepted", "handled", "rework", "closed",
                                                    "suspended"))
    for case in clocked:
        started = case.history.filter(action__in=("dispatch", "verify_fail")).latest("at", "id").at
        limit = case.small_class
        assert case.deadline == calendar.add_limit(started, limit.time_limit_value, limit.time_limit_unit), case
    notices = Notification.objects.filter(kind=NotificationKind.NEW_TASK, params__has_key="due").select_related("case")
    # each dispatched case told its department's staff (a count alone would pass with one case told twice)
    assert {notice.case_id for notice in notices} == {case.pk for case in clocked}
    for notice in notices:
        dispatch = notice.case.history.get(action="dispatch")
        assert notice.created_at == dispatch.at
        assert notice.params["due"] == local_time(datetime.fromisoformat(dispatch.data["deadline"]))
        if notice.case.status != "rework":  # rework started a new clock, with a notice of its own
            assert notice.params["due"] == local_time(notice.case.deadline)
