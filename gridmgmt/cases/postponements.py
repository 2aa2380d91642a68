"""延期: a department asks for more time; a supervisor approves (the deadline moves) or refuses."""

from django.contrib.auth.models import AbstractBaseUser
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop as N_

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.cases.calendar import CalendarError, limit_in_hours
from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.cases.models import Case, NotificationKind, Postponement, PostponementStatus
from gridmgmt.cases.notifications import local_time, notify
from gridmgmt.cases.steps import begin, commit, step_text
from gridmgmt.cases.working_calendar import working_calendar
from gridmgmt.events.models import TimeLimitUnit


# Notices name the unit in the reader's language: one stored template per unit.
ASKS = {
    TimeLimitUnit.WORKING_DAYS: N_("Case %(number)s: %(department)s asks %(value)s working days more: %(reason)s"),
    TimeLimitUnit.WORKING_HOURS: N_("Case %(number)s: %(department)s asks %(value)s working hours more: %(reason)s"),
}


def _limit(value: int, unit: str) -> str:
    return (_("%(n)s working hours") if unit == TimeLimitUnit.WORKING_HOURS else _("%(n)s working days")) % {"n": value}


def _check_within_maximum(case_id: int, value: int, unit: str) -> None:
    """Refuse more than ``CASE_MAX_POSTPONEMENT_WORKING_DAYS`` (hours are counted against a working day's length):
    an unbounded request would make the working-time arithmetic scan years at approval."""
    maximum = settings.CASE_MAX_POSTPONEMENT_WORKING_DAYS
    hours_per_day = working_calendar().hours_per_day
    days = limit_in_hours(value, unit, hours_per_day) / hours_per_day
    if days > maximum:
        raise CaseInvalid(_("case %(id)s: a postponement may add at most %(days)s working days (%(hours)g working "
                            "hours); %(asked)s asked.") % {
            "id": case_id, "days": maximum, "hours": maximum * hours_per_day, "asked": _limit(value, unit)})


@transaction.atomic
def case_postpone_request(*, case_id: int, version: int, actor: AbstractBaseUser, value: int, unit: str,
                          reason: str) -> Postponement:
    case, role = begin("postpone_request", case_id=case_id, version=version, actor=actor)
    if case.postponements.filter(status=PostponementStatus.PENDING).exists():
        raise CaseInvalid(_("case %(id)s already has a postponement request waiting for a decision.") % {"id": case_id})
    if unit not in TimeLimitUnit.values or value < 1 or not reason.strip():
        raise CaseInvalid(_("case %(id)s: a postponement needs a value of at least 1, a unit (%(units)s) and a "
                            "reason; got %(value)s %(unit)s.") % {
            "id": case_id, "units": ", ".join(TimeLimitUnit.values), "value": value, "unit": unit})
    _check_within_maximum(case_id, value, unit)
    reason = step_text(case_id, reason)
    now = timezone.now()
    request = Postponement(case=case, value=value, unit=unit, reason=reason, requested_by=actor, requested_at=now)
    request.full_clean()
    request.save()
    commit(case, action="postpone_request", from_status=case.status, actor=actor, role=role, at=now,
            note=reason, data={"postponement": request.pk, "value": value, "unit": unit})
    notify(users=users_with_role(Role.SHIFT_LEADER), kind=NotificationKind.POSTPONEMENT, case=case,
           message=ASKS[unit], params={"number": case.number, "department": case.department, "value": value,
                                         "reason": reason})
    return request


@transaction.atomic
def case_postpone_decide(*, case_id: int, version: int, actor: AbstractBaseUser, approve: bool,
                         note: str = "") -> Case:
    case, role = begin("postpone_decide", case_id=case_id, version=version, actor=actor)
    request = case.postponements.filter(status=PostponementStatus.PENDING).first()
    if request is None:
        raise CaseInvalid(_("case %(id)s has no postponement request waiting for a decision.") % {"id": case_id})
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
            raise CaseInvalid(_("case %(id)s: the postponed deadline cannot be computed: %(reason)s") % {
                "id": case_id, "reason": exc}) from None
        case.warned_at = case.overdue_at = None  # the new deadline earns its own warnings
    commit(case, action="postpone_approve" if approve else "postpone_refuse", from_status=case.status,
            actor=actor, role=role, at=now, note=note,
            data={"postponement": request.pk, "deadline": case.deadline.isoformat()})
    notify(users=[request.requested_by], kind=NotificationKind.POSTPONEMENT, case=case,
           message=N_("Case %(number)s: postponement approved; due %(due)s") if approve else
           N_("Case %(number)s: postponement refused; still due %(due)s"),
           params={"number": case.number, "due": local_time(case.deadline)})
    return case

