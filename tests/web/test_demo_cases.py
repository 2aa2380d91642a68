"""The demo's month of synthetic cases: every state present, spread over 30 days, loaded once."""

import io
from datetime import timedelta

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
