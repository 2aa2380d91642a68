"""The ways back in the loop: redispatch, return (退回), reopen, and the deadline rework earns.

Each is one step of the state table (:mod:`gridmgmt.cases.workflow`) taken
through :func:`gridmgmt.cases.steps.begin` / ``commit``, so it is locked,
version-checked, authorised and written to the case history like every
other step. Every one needs a reason, which the history keeps.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop as N_

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.areas.models import Department
from gridmgmt.cases.calendar import CalendarError
from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.cases.models import Case, NotificationKind, Status
from gridmgmt.cases.notifications import local_time, notify
from gridmgmt.cases.steps import begin, commit
from gridmgmt.cases.working_calendar import working_calendar


def department_staff(department_id: int):
    """Heads and handlers of a department (who hear of a case sent to it)."""
    return [*users_with_role(Role.DEPARTMENT_HEAD, department_id=department_id),
            *users_with_role(Role.DEPARTMENT_HANDLER, department_id=department_id)]


def restart_clock(case: Case, now: datetime) -> None:
    """A fresh deadline: the small class's full time limit from ``now`` on the working calendar.

    Used at dispatch, redispatch, rework and reopening; the warnings of the
    old deadline are cleared so the new one earns its own. A limit the
    calendar cannot answer (stored before the catalogue's maximum, or with
    no working day in years of overrides) refuses the step, naming the class.
    """
    limit = case.small_class
    try:
        case.deadline = working_calendar().add_limit(now, limit.time_limit_value, limit.time_limit_unit)
    except CalendarError as exc:
        raise CaseInvalid(_("case %(id)s: no deadline can be computed from the time limit of %(class)s "
                            "(%(value)s %(unit)s): %(reason)s; correct the small class in the catalogue.") % {
            "id": case.pk, "class": limit, "value": limit.time_limit_value, "unit": limit.time_limit_unit,
            "reason": exc}) from None
    case.warned_at = case.overdue_at = None


NEEDS_REASON = {
    "redispatching": N_("case %(id)s: redispatching needs a reason."),
    "returning": N_("case %(id)s: returning needs a reason."),
    "reopening": N_("case %(id)s: reopening needs a reason."),
}


def _reason(case_id: int, action: str, reason: str) -> str:
    if not reason.strip():
        raise CaseInvalid(_(NEEDS_REASON[action]) % {"id": case_id})
    return reason.strip()


@transaction.atomic
def case_redispatch(*, case_id: int, version: int, actor: AbstractBaseUser, department: Department | None,
                    reason: str) -> Case:
    """改派: the dispatcher moves a case a department holds to another department; a new deadline starts.

    Refused without a reason, or to the department that already holds it.
    The handler is cleared (the new department names its own); both
    departments are notified.
    """
    case, role = begin("redispatch", case_id=case_id, version=version, actor=actor)
    reason = _reason(case_id, "redispatching", reason)
    if department is None or department.pk == case.department_id:
        raise CaseInvalid(_("case %(id)s: choose a department other than %(department)s.") % {
            "id": case_id, "department": case.department})
    previous, from_status, now = case.department, case.status, timezone.now()
    case.status, case.department, case.handler, case.dispatched_at = Status.DISPATCHED, department, None, now
    restart_clock(case, now)
    commit(case, action="redispatch", from_status=from_status, actor=actor, role=role, at=now, note=reason,
           data={"from_department": previous.pk, "department": department.pk,
                 "deadline": case.deadline.isoformat()})
    notify(users=department_staff(department.pk), kind=NotificationKind.NEW_TASK, case=case,
           message=N_("Case %(number)s redispatched to %(department)s, due %(due)s"),
           params={"number": case.number, "department": department, "due": local_time(case.deadline)})
    notify(users=department_staff(previous.pk), kind=NotificationKind.NEW_TASK, case=case,
           message=N_("Case %(number)s moved from %(previous)s to %(department)s: %(reason)s"),
           params={"number": case.number, "previous": previous, "department": department, "reason": reason})
    return case


@transaction.atomic
def case_return(*, case_id: int, version: int, actor: AbstractBaseUser, reason: str) -> Case:
    """退回: the department says the case is not theirs; it goes back to the dispatcher, opened.

    Only before feedback (dispatched or accepted). The department, handler
    and deadline are cleared: the clock of a wrong dispatch does not count
    against anyone, and the next dispatch starts a new one. Dispatchers and
    shift leaders are notified.
    """
    case, role = begin("return", case_id=case_id, version=version, actor=actor)
    reason = _reason(case_id, "returning", reason)
    previous, from_status, now = case.department, case.status, timezone.now()
    case.status, case.department, case.handler = Status.OPENED, None, None
    case.dispatched_at = case.deadline = case.warned_at = case.overdue_at = None
    commit(case, action="return", from_status=from_status, actor=actor, role=role, at=now, note=reason,
           data={"department": previous.pk})
    notify(users=[*users_with_role(Role.DISPATCHER), *users_with_role(Role.SHIFT_LEADER)],
           kind=NotificationKind.NEW_TASK, case=case,
           message=N_("Case %(number)s returned by %(department)s as not theirs: %(reason)s"),
           params={"number": case.number, "department": previous, "reason": reason})
    return case


@transaction.atomic
def case_reopen(*, case_id: int, version: int, actor: AbstractBaseUser, reason: str) -> Case:
    """重新开启: a supervisor reopens a closed case; it goes back to its department for rework.

    The closing is undone (``closed_at`` and the handling time cleared, so
    KPIs no longer count it closed), the rework count grows and a new
    deadline starts.
    """
    case, role = begin("reopen", case_id=case_id, version=version, actor=actor)
    reason = _reason(case_id, "reopening", reason)
    if case.department_id is None:  # a self-handled case never had one
        raise CaseInvalid(_("case %(id)s was never dispatched; report the matter again instead.") % {"id": case_id})
    now = timezone.now()
    case.status, case.closed_at, case.handling_working_hours = Status.REWORK, None, None
    case.rework_count += 1
    restart_clock(case, now)
    commit(case, action="reopen", from_status=Status.CLOSED, actor=actor, role=role, at=now, note=reason,
           data={"deadline": case.deadline.isoformat()})
    notify(users=[case.handler] if case.handler else department_staff(case.department_id),
           kind=NotificationKind.REWORK, case=case, message=N_("Case %(number)s reopened for rework: %(reason)s"),
           params={"number": case.number, "reason": reason})
    return case
