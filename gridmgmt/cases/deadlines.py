"""The deadline job (督办): warnings before the deadline, overdue marking and escalation.

Idempotent: each notice is claimed by a conditional UPDATE of ``warned_at``
or ``overdue_at`` (NULL → now), so two runs, even concurrent ones (Celery
beat and cron), notify once. Suspended cases and cases awaiting verification
are not chased: the department is not holding them.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.cases.models import Case, NotificationKind
from gridmgmt.cases.notifications import local_time, notify
from gridmgmt.cases.steps import append_history
from gridmgmt.cases.workflow import WITH_DEPARTMENT
from gridmgmt.cases.working_calendar import working_calendar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeadlineRun:
    warned: int
    overdue: int
    failed: int = 0  # cases skipped after an error (logged); retried next run


def _claim(case: Case, field: str, now: datetime) -> bool:
    return Case.objects.filter(pk=case.pk, **{f"{field}__isnull": True}).update(**{field: now}) == 1


def _responsible(case: Case):
    if case.handler:
        return [case.handler]
    return users_with_role(Role.DEPARTMENT_HANDLER, department_id=case.department_id)


def cases_check_deadlines(*, now: datetime | None = None) -> DeadlineRun:
    """One pass over the cases with a department. Each case is its own transaction: a case the
    calendar cannot answer for (a deadline years away, a broken override) is logged with its
    traceback and counted in ``failed``; the others are still chased."""
    now = now or timezone.now()
    calendar = working_calendar()
    active = Case.objects.filter(status__in=WITH_DEPARTMENT, deadline__isnull=False).select_related(
        "department", "handler", "small_class")
    warned = overdue = failed = 0
    for case in active.filter(warned_at__isnull=True, overdue_at__isnull=True, deadline__gt=now):
        try:
            with transaction.atomic():
                warned += _warn(case, calendar, now)
        except Exception:
            failed += 1
            log.exception("deadline job: warning for case %s (due %s) failed; the other cases go on",
                          case.pk, case.deadline)
    for case in active.filter(overdue_at__isnull=True, deadline__lte=now):
        try:
            with transaction.atomic():
                overdue += _mark_overdue(case, now)
        except Exception:
            failed += 1
            log.exception("deadline job: overdue marking of case %s failed; the other cases go on", case.pk)
    return DeadlineRun(warned=warned, overdue=overdue, failed=failed)


def _warn(case: Case, calendar, now: datetime) -> int:
    # A deadline more than a month of clock time away is not near whatever the
    # calendar says (no holiday run is that long), and is not worth a scan.
    if case.deadline - now > timedelta(hours=settings.CASE_WARNING_WORKING_HOURS) + timedelta(days=30):
        return 0
    left = calendar.working_hours_between(now, case.deadline)
    if left > settings.CASE_WARNING_WORKING_HOURS or not _claim(case, "warned_at", now):
        return 0
    notify(users=_responsible(case), kind=NotificationKind.DEADLINE_NEAR, case=case,
           message=_("Case %(number)s: %(left).1f working hours left, due %(due)s"),
           params={"number": case.number, "left": left, "due": local_time(case.deadline)})
    return 1


def _mark_overdue(case: Case, now: datetime) -> int:
    if not _claim(case, "overdue_at", now):
        return 0
    notify(users=_responsible(case), kind=NotificationKind.OVERDUE, case=case,
           message=_("Case %(number)s is overdue since %(due)s"),
           params={"number": case.number, "due": local_time(case.deadline)})
    # 督办: the department head and the supervision centre's shift leaders follow it up.
    notify(users=[*users_with_role(Role.DEPARTMENT_HEAD, department_id=case.department_id),
                  *users_with_role(Role.SHIFT_LEADER)],
           kind=NotificationKind.ESCALATED, case=case,
           message=_("Follow up (督办): case %(number)s (%(class)s) at %(department)s is overdue since %(due)s"),
           params={"number": case.number, "class": case.small_class, "department": case.department,
                   "due": local_time(case.deadline)})
    append_history(case, action="escalate", from_status=case.status, actor=None, role="", at=now,
                   data={"deadline": case.deadline.isoformat()})
    return 1
