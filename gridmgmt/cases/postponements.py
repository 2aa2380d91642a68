"""延期: a department asks for more time; a supervisor approves (the deadline moves) or refuses."""

from django.contrib.auth.models import AbstractBaseUser
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.cases.calendar import CalendarError
from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.cases.models import Case, NotificationKind, Postponement, PostponementStatus
from gridmgmt.cases.notifications import local_time, notify
from gridmgmt.cases.steps import begin, commit
from gridmgmt.cases.working_calendar import working_calendar
from gridmgmt.events.models import TimeLimitUnit


def _check_within_maximum(case_id: int, value: int, unit: str) -> None:
    """Refuse more than ``CASE_MAX_POSTPONEMENT_WORKING_DAYS`` (hours are counted against a working day's length):
    an unbounded request would make the working-time arithmetic scan years at approval."""
    maximum = settings.CASE_MAX_POSTPONEMENT_WORKING_DAYS
    hours_per_day = working_calendar().hours_per_day
    days = value / hours_per_day if unit == TimeLimitUnit.WORKING_HOURS else value
    if days > maximum:
        raise CaseInvalid(f"case {case_id}: a postponement may add at most {maximum} working days "
                          f"({maximum * hours_per_day:g} working hours), got {value} {unit}")


@transaction.atomic
def case_postpone_request(*, case_id: int, version: int, actor: AbstractBaseUser, value: int, unit: str,
                          reason: str) -> Postponement:
    case, role = begin("postpone_request", case_id=case_id, version=version, actor=actor)
    if case.postponements.filter(status=PostponementStatus.PENDING).exists():
        raise CaseInvalid(f"case {case_id} already has a postponement request waiting for a decision")
    if unit not in TimeLimitUnit.values or value < 1 or not reason.strip():
        raise CaseInvalid(f"case {case_id}: a postponement needs value ≥ 1, unit in {TimeLimitUnit.values} "
                          f"and a reason (got {value} {unit!r})")
    _check_within_maximum(case_id, value, unit)
    now = timezone.now()
    request = Postponement(case=case, value=value, unit=unit, reason=reason, requested_by=actor, requested_at=now)
    request.full_clean()
    request.save()
    commit(case, action="postpone_request", from_status=case.status, actor=actor, role=role, at=now,
            note=reason, data={"postponement": request.pk, "value": value, "unit": unit})
    notify(users=users_with_role(Role.SHIFT_LEADER), kind=NotificationKind.POSTPONEMENT, case=case,
           message=f"case {case.number}: {case.department} asks {value} {unit} more: {reason}")
    return request


@transaction.atomic
def case_postpone_decide(*, case_id: int, version: int, actor: AbstractBaseUser, approve: bool,
                         note: str = "") -> Case:
    case, role = begin("postpone_decide", case_id=case_id, version=version, actor=actor)
    request = case.postponements.filter(status=PostponementStatus.PENDING).first()
    if request is None:
        raise CaseInvalid(f"case {case_id} has no postponement request waiting for a decision")
    now = timezone.now()
    request.status = PostponementStatus.APPROVED if approve else PostponementStatus.REFUSED
    request.decided_by, request.decided_at = actor, now
    request.full_clean()
    request.save()
    if approve:
        _check_within_maximum(case_id, request.value, request.unit)  # requests stored before the maximum
        try:
            case.deadline = working_calendar().add_limit(case.deadline, request.value, request.unit)
        except CalendarError as exc:
            raise CaseInvalid(f"case {case_id}: the postponed deadline cannot be computed: {exc}") from None
        case.warned_at = case.overdue_at = None  # the new deadline earns its own warnings
    commit(case, action="postpone_approve" if approve else "postpone_refuse", from_status=case.status,
            actor=actor, role=role, at=now, note=note,
            data={"postponement": request.pk, "deadline": case.deadline.isoformat()})
    notify(users=[request.requested_by], kind=NotificationKind.POSTPONEMENT, case=case,
           message=f"case {case.number}: postponement {request.status}; due {local_time(case.deadline)}")
    return case

