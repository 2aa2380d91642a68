"""The deadline job (督办): warnings before the deadline, overdue marking and escalation.

Idempotent: each notice is claimed by a conditional UPDATE of ``warned_at``
or ``overdue_at`` (NULL → now), so two runs, even concurrent ones (Celery
beat and cron), notify once. Suspended cases and cases awaiting verification
are not chased: the department is not holding them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.cases.models import Case, NotificationKind
from gridmgmt.cases.notifications import notify
from gridmgmt.cases.steps import append_history
from gridmgmt.cases.workflow import WITH_DEPARTMENT
from gridmgmt.cases.working_calendar import working_calendar


@dataclass(frozen=True)
class DeadlineRun:
    warned: int
    overdue: int


def _claim(case: Case, field: str, now: datetime) -> bool:
    return Case.objects.filter(pk=case.pk, **{f"{field}__isnull": True}).update(**{field: now}) == 1


def _responsible(case: Case):
    if case.handler:
        return [case.handler]
    return users_with_role(Role.DEPARTMENT_HANDLER, department_id=case.department_id)


@transaction.atomic
def cases_check_deadlines(*, now: datetime | None = None) -> DeadlineRun:
    now = now or timezone.now()
    calendar = working_calendar()
    active = Case.objects.filter(status__in=WITH_DEPARTMENT, deadline__isnull=False).select_related(
        "department", "handler", "small_class")
    warned = overdue = 0
    for case in active.filter(warned_at__isnull=True, overdue_at__isnull=True, deadline__gt=now):
        left = calendar.working_hours_between(now, case.deadline)
        if left <= settings.CASE_WARNING_WORKING_HOURS and _claim(case, "warned_at", now):
            warned += 1
            notify(users=_responsible(case), kind=NotificationKind.DEADLINE_NEAR, case=case,
                   message=f"case {case.number}: {left:.1f} working hours left, due {case.deadline:%Y-%m-%d %H:%M}")
    for case in active.filter(overdue_at__isnull=True, deadline__lte=now):
        if not _claim(case, "overdue_at", now):
            continue
        overdue += 1
        notify(users=_responsible(case), kind=NotificationKind.OVERDUE, case=case,
               message=f"case {case.number} is overdue since {case.deadline:%Y-%m-%d %H:%M}")
        # 督办: the department head and the supervision centre's shift leaders follow it up.
        notify(users=[*users_with_role(Role.DEPARTMENT_HEAD, department_id=case.department_id),
                      *users_with_role(Role.SHIFT_LEADER)],
               kind=NotificationKind.ESCALATED, case=case,
               message=f"督办 case {case.number} ({case.small_class}) at {case.department} is overdue")
        append_history(case, action="escalate", from_status=case.status, actor=None, role="", at=now,
                       data={"deadline": case.deadline.isoformat()})
    return DeadlineRun(warned=warned, overdue=overdue)
