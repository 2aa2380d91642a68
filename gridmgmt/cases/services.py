"""Writes of cases: every step of the closed loop.

Each service locks the case row, checks the caller's version (optimistic
lock: a stale version is refused, never overwritten), asks the state machine
(:mod:`gridmgmt.cases.workflow`) whether the actor's role may act, changes
the case, bumps its version, copies the status onto every source event and
appends a history entry, all in one transaction.
"""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop as N_

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.jurisdiction import roles_over
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.areas.models import Department
from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.cases.models import CASE_NUMBER_SQL, Case, CaseEvent, NotificationKind, Status
from gridmgmt.cases.notifications import local_time, notify
from gridmgmt.cases.selectors import point_within_grid
from gridmgmt.cases.steps import begin, commit, contention_as_conflict, lock_in_order
from gridmgmt.cases.ways_back import department_staff, restart_clock
from gridmgmt.cases.workflow import TRANSITIONS
from gridmgmt.prepared import execute_prepared
from gridmgmt.cases.working_calendar import working_calendar


# One statement for one report or a whole import (step 1, collect: state
# ``reported``): case ids are drawn first so that the case, its source link and
# its history row are written from the same rows, in one round trip instead
# of three ORM inserts per report; prepared once per connection, since
# planning it costs more than running it for one report. The ids arrive as
# one array, each looked up by an index probe: LIMIT 1 keeps the lateral
# subquery from being flattened into a join, which the planner, trusting
# statistics of a table that has just grown or been emptied, made a hash
# join over every stored report, again for every chunk of an import
# (imports slowed as the table grew). ``id = ANY(array)`` compared every
# stored report with every id. New reports are stored ``reported`` already, so the
# status update touches none of them.
CASES_FROM_EVENTS_SQL = f"""
WITH src AS MATERIALIZED (
  SELECT e.*, nextval('cases_case_id_seq'::regclass) AS case_id
  FROM unnest($1::bigint[]) AS i(id)
  CROSS JOIN LATERAL (SELECT * FROM events_event WHERE id = i.id LIMIT 1) e
  WHERE NOT EXISTS (SELECT 1 FROM cases_caseevent ce WHERE ce.event_id = e.id)
), cases AS (
  INSERT INTO cases_case (id, number, small_class_id, status, version, location, description, grid_id, grid_code,
    community_code, street_code, suggested_department_id, status_before_suspension, received_at, rework_count)
  SELECT case_id, {CASE_NUMBER_SQL.format(received="received_at", tz="$3::text", id="case_id")},
    small_class_id, $2::text, 1, location, description, grid_id, grid_code, community_code,
    street_code, department_id, '', received_at, 0 FROM src
), links AS (
  INSERT INTO cases_caseevent (case_id, event_id) SELECT case_id, id FROM src
), statuses AS (
  UPDATE events_event e SET status = $2::text FROM src WHERE src.status <> $2::text AND e.id = src.id
)
INSERT INTO cases_casehistory (case_id, action, from_status, to_status, actor_id, role, at, note, data)
SELECT case_id, 'report', '', $2::text, reporter_id, '', received_at, '',
       jsonb_build_object('event', id, 'channel', channel)
FROM src
"""


# No savepoint of its own: a report whose case cannot be made must not be
# stored either, so a failure here rolls back the caller's whole transaction.
@transaction.atomic(savepoint=False)
def cases_create_from_events(*, event_ids: Sequence[int]) -> int:
    """The cases of new reports, one each; skips reports that already have one. Returns how many were made."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, "gridmgmt_cases_from_events", CASES_FROM_EVENTS_SQL,
                         [list(event_ids), Status.REPORTED, settings.TIME_ZONE])
        return cursor.rowcount


def _simple_transition(action: str, *, case_id: int, version: int, actor, note: str) -> Case:
    case, role = begin(action, case_id=case_id, version=version, actor=actor)
    from_status, now = case.status, timezone.now()
    case.status = TRANSITIONS[action].target
    if action == "open":
        case.opened_at = now
    commit(case, action=action, from_status=from_status, actor=actor, role=role, at=now, note=note)
    return case


@transaction.atomic
def case_open(*, case_id: int, version: int, actor: AbstractBaseUser, note: str = "") -> Case:
    """立案: the supervision centre confirms the report is valid."""
    return _simple_transition("open", case_id=case_id, version=version, actor=actor, note=note)


@transaction.atomic
def case_cancel(*, case_id: int, version: int, actor: AbstractBaseUser, note: str) -> Case:
    """注销: the report is invalid; the reason is required."""
    if not note.strip():
        raise CaseInvalid(_("case %(id)s: cancelling needs a reason.") % {"id": case_id})
    return _simple_transition("cancel", case_id=case_id, version=version, actor=actor, note=note)


@transaction.atomic
def case_accept(*, case_id: int, version: int, actor: AbstractBaseUser, note: str = "") -> Case:
    """The department takes the dispatched case."""
    return _simple_transition("accept", case_id=case_id, version=version, actor=actor, note=note)


@transaction.atomic
def case_dispatch(*, case_id: int, version: int, actor: AbstractBaseUser,
                  department: Department | None = None, reason: str = "") -> Case:
    """派遣: sends the case to a department and fixes its deadline (the clock starts now).

    The department defaults to the report's routed one; choosing another
    needs a reason, which the history keeps. A department that returned the
    case (退回) is never the default, and sending it back there needs a reason.
    """
    case, role = begin("dispatch", case_id=case_id, version=version, actor=actor)
    returned_by = {entry.data.get("department") for entry in case.history.filter(action="return")}
    if department is None and case.suggested_department_id in returned_by:
        raise CaseInvalid(_("case %(id)s: %(department)s returned it as not theirs; choose a department.")
                          % {"id": case_id, "department": case.suggested_department})
    department = department or case.suggested_department
    if department is None:
        raise CaseInvalid(_("case %(id)s: the report was not routed; choose a department.") % {"id": case_id})
    if department.pk in returned_by and not reason.strip():
        raise CaseInvalid(_("case %(id)s: %(department)s returned it as not theirs; sending it back needs a reason.")
                          % {"id": case_id, "department": department})
    if case.suggested_department_id not in (None, department.pk) and not reason.strip():
        raise CaseInvalid(_("case %(id)s: dispatching to %(department)s instead of the routed %(routed)s needs a "
                            "reason.") % {"id": case_id, "department": department, "routed": case.suggested_department})
    from_status, now = case.status, timezone.now()
    case.status, case.department, case.dispatched_at = Status.DISPATCHED, department, now
    restart_clock(case, now)
    commit(case, action="dispatch", from_status=from_status, actor=actor, role=role, at=now, note=reason,
            data={"department": department.pk, "deadline": case.deadline.isoformat()})
    notify(users=department_staff(department.pk), kind=NotificationKind.NEW_TASK, case=case,
           message=N_("Case %(number)s (%(class)s) dispatched to %(department)s, due %(due)s"),
           params={"number": case.number, "class": case.small_class, "department": department,
                   "due": local_time(case.deadline)})
    return case


@contention_as_conflict
@transaction.atomic
def case_dispatch_bulk(*, cases: Sequence[tuple[int, int]], actor: AbstractBaseUser,
                       department: Department | None = None, reason: str = "") -> list[Case]:
    """Dispatches several ``(case_id, version)`` at once; one refusal refuses them all."""
    lock_in_order(case_id for case_id, _ in cases)
    return [case_dispatch(case_id=case_id, version=version, actor=actor, department=department, reason=reason)
            for case_id, version in cases]


@transaction.atomic
def case_assign(*, case_id: int, version: int, actor: AbstractBaseUser, handler: AbstractBaseUser,
                note: str = "") -> Case:
    """The department head names the handler of the case."""
    case, role = begin("assign", case_id=case_id, version=version, actor=actor)
    if Role.DEPARTMENT_HANDLER not in roles_over(handler, case):
        raise CaseInvalid(_("case %(id)s: %(user)s is not a handler of %(department)s.") % {
            "id": case_id, "user": handler, "department": case.department})
    case.handler = handler
    now = timezone.now()
    commit(case, action="assign", from_status=case.status, actor=actor, role=role, at=now, note=note,
            data={"handler": handler.pk})
    notify(users=[handler], kind=NotificationKind.NEW_TASK, case=case, message=N_("Case %(number)s assigned to you"),
           params={"number": case.number})
    return case


@transaction.atomic
def case_handle(*, case_id: int, version: int, actor: AbstractBaseUser, feedback: str,
                photos: Sequence[File]) -> Case:
    """处理反馈: the department reports what it did; a grid worker of the grid gets the check."""
    case, role = begin("handle", case_id=case_id, version=version, actor=actor)
    if role == Role.DEPARTMENT_HANDLER and case.handler_id not in (None, actor.pk):
        raise CaseInvalid(_("case %(id)s is assigned to %(user)s; only they or the head may feed back.") % {
            "id": case_id, "user": case.handler})
    if not feedback.strip() or not photos:
        raise CaseInvalid(_("case %(id)s: feedback needs a text and at least one photo.") % {"id": case_id})
    workers = list(users_with_role(Role.GRID_WORKER, grid_code=case.grid_code)) if case.grid_code else []
    from_status, now = case.status, timezone.now()
    case.status, case.verifier = Status.HANDLED, (workers[0] if workers else None)
    commit(case, action="handle", from_status=from_status, actor=actor, role=role, at=now, note=feedback,
            photos=photos)
    if workers:
        notify(users=workers, kind=NotificationKind.NEW_TASK, case=case,
               message=N_("Case %(number)s: verify on site in grid %(grid)s"),
               params={"number": case.number, "grid": case.grid_code})
    else:  # a check that reaches nobody must be seen, not dropped
        notify(users=users_with_role(Role.SHIFT_LEADER), kind=NotificationKind.NEW_TASK, case=case,
               message=N_("Case %(number)s: no grid worker for grid '%(grid)s' to verify it"),
               params={"number": case.number, "grid": case.grid_code})
    return case


@transaction.atomic
def case_verify(*, case_id: int, version: int, actor: AbstractBaseUser, passed: bool, location: Point,
                photos: Sequence[File], note: str = "") -> Case:
    """核查: on site (GPS in the grid, within tolerance), close the case or return it for rework."""
    action = "verify_pass" if passed else "verify_fail"
    case, role = begin(action, case_id=case_id, version=version, actor=actor)
    tolerance = settings.CASE_VERIFY_TOLERANCE_M
    if not point_within_grid(case, location, tolerance_m=tolerance):
        raise CaseInvalid(_("case %(id)s: the GPS position (%(lng).6f, %(lat).6f) is more than %(metres)s m outside "
                            "grid %(grid)s; verify on site.") % {
            "id": case_id, "lng": location.x, "lat": location.y, "metres": tolerance, "grid": case.grid_code or "-"})
    if not photos:
        raise CaseInvalid(_("case %(id)s: verification needs an on-site photo.") % {"id": case_id})
    from_status, now = case.status, timezone.now()
    case.status = TRANSITIONS[action].target
    if passed:
        case.closed_at = now
        case.handling_working_hours = working_calendar().working_hours_between(case.dispatched_at, now)
    else:  # rework earns a fresh time limit, as a new dispatch would
        case.rework_count += 1
        restart_clock(case, now)
    commit(case, action=action, from_status=from_status, actor=actor, role=role, at=now, note=note,
            data={"lng": location.x, "lat": location.y,
                  **({} if passed else {"deadline": case.deadline.isoformat()})}, photos=photos)
    if not passed:
        notify(users=[case.handler] if case.handler else department_staff(case.department_id),
               kind=NotificationKind.REWORK, case=case, message=N_("Case %(number)s returned for rework: %(note)s"),
               params={"number": case.number, "note": note})
    return case


@transaction.atomic
def case_suspend(*, case_id: int, version: int, actor: AbstractBaseUser, note: str) -> Case:
    """挂账: parks a case that cannot be solved now; its clock stops."""
    case, role = begin("suspend", case_id=case_id, version=version, actor=actor)
    if not note.strip():
        raise CaseInvalid(_("case %(id)s: suspending needs a reason.") % {"id": case_id})
    from_status, now = case.status, timezone.now()
    case.status, case.status_before_suspension, case.suspended_at = Status.SUSPENDED, from_status, now
    commit(case, action="suspend", from_status=from_status, actor=actor, role=role, at=now, note=note)
    return case


@transaction.atomic
def case_resume(*, case_id: int, version: int, actor: AbstractBaseUser, note: str = "") -> Case:
    """Ends a suspension; the deadline moves by the working hours spent suspended."""
    case, role = begin("resume", case_id=case_id, version=version, actor=actor)
    now = timezone.now()
    if case.deadline:
        calendar = working_calendar()
        paused = calendar.working_hours_between(case.suspended_at, now)
        case.deadline = calendar.add_working_hours(case.deadline, paused)
        case.warned_at = case.overdue_at = None
    case.status, case.status_before_suspension, case.suspended_at = case.status_before_suspension, "", None
    commit(case, action="resume", from_status=Status.SUSPENDED, actor=actor, role=role, at=now, note=note,
            data={"deadline": case.deadline.isoformat() if case.deadline else None})
    return case


@contention_as_conflict
@transaction.atomic
def case_merge(*, case_id: int, version: int, others: Sequence[tuple[int, int]], actor: AbstractBaseUser,
               note: str = "") -> Case:
    """Merges other reports' cases into this one: their reports become its sources."""
    if not others or case_id in {other_id for other_id, _ in others}:
        raise CaseInvalid(_("case %(id)s: a merge needs other cases, not the case itself.") % {"id": case_id})
    lock_in_order([case_id, *(other_id for other_id, _ in others)])
    target, role = begin("merge", case_id=case_id, version=version, actor=actor)
    now = timezone.now()
    for other_id, other_version in others:
        other, other_role = begin("merge", case_id=other_id, version=other_version, actor=actor)
        CaseEvent.objects.filter(case=other).update(case=target)
        from_status, other.status, other.merged_into = other.status, Status.MERGED, target
        commit(other, action="merge", from_status=from_status, actor=actor, role=other_role, at=now,
                note=note, data={"into": target.pk})
    target.received_at = min(target.received_at, *Case.objects.filter(
        pk__in=[other_id for other_id, _ in others]).values_list("received_at", flat=True))
    commit(target, action="merge", from_status=target.status, actor=actor, role=role, at=now, note=note,
            data={"merged": [other_id for other_id, _ in others]})
    return target
