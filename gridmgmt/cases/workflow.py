"""The state machine of a case: which action moves which state, and who may take it.

The one place transitions are decided; every service asks :func:`authorise`
before changing anything. ``target`` None means the action keeps the state
(assigning a handler, asking for more time).

The ways back are steps like any other: ``redispatch`` (the dispatcher sends
a case its department holds to another one), ``return`` (退回: the department
says the case is not theirs; it goes back to the dispatcher, opened and
undispatched), ``reopen`` (a supervisor reopens a closed case for rework).
``self_handle`` (即报即处) closes a reported case the grid worker fixed on the spot.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridmgmt.accounts.models import Role
from gridmgmt.cases.errors import RoleNotAllowed, StateNotAllowed
from gridmgmt.cases.models import Status

DEPARTMENT = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_HEAD})
# Who finds and checks (supervision) is not who fixes (departments).
SUPERVISORS = frozenset({Role.SHIFT_LEADER, Role.STREET_SUPERVISOR, Role.COMMUNITY_SUPERVISOR})
SUPERVISION_CENTRE = frozenset({Role.CALL_TAKER, Role.SHIFT_LEADER})
# States in which the department holds the case and its clock runs.
WITH_DEPARTMENT = frozenset({Status.DISPATCHED, Status.ACCEPTED, Status.REWORK})
DISPATCHERS = frozenset({Role.DISPATCHER, Role.SHIFT_LEADER})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]


TRANSITIONS = {
    "open": Transition(frozenset({Status.REPORTED}), Status.OPENED, SUPERVISION_CENTRE),
    "cancel": Transition(frozenset({Status.REPORTED}), Status.CANCELLED, SUPERVISION_CENTRE),
    "merge": Transition(frozenset({Status.REPORTED, Status.OPENED}), None, SUPERVISORS | SUPERVISION_CENTRE),
    "dispatch": Transition(frozenset({Status.OPENED}), Status.DISPATCHED, DISPATCHERS),
    "redispatch": Transition(WITH_DEPARTMENT, Status.DISPATCHED, DISPATCHERS),
    # Before feedback only: once handled, the department has taken it as theirs.
    "return": Transition(frozenset({Status.DISPATCHED, Status.ACCEPTED}), Status.OPENED, DEPARTMENT),
    "reopen": Transition(frozenset({Status.CLOSED}), Status.REWORK, SUPERVISORS),
    "self_handle": Transition(frozenset({Status.REPORTED}), Status.CLOSED, frozenset({Role.GRID_WORKER})),
    "accept": Transition(frozenset({Status.DISPATCHED}), Status.ACCEPTED, DEPARTMENT),
    "assign": Transition(WITH_DEPARTMENT, None, frozenset({Role.DEPARTMENT_HEAD})),
    "handle": Transition(frozenset({Status.ACCEPTED, Status.REWORK}), Status.HANDLED, DEPARTMENT),
    "verify_pass": Transition(frozenset({Status.HANDLED}), Status.CLOSED, frozenset({Role.GRID_WORKER})),
    "verify_fail": Transition(frozenset({Status.HANDLED}), Status.REWORK, frozenset({Role.GRID_WORKER})),
    "postpone_request": Transition(WITH_DEPARTMENT, None, DEPARTMENT),
    "postpone_decide": Transition(WITH_DEPARTMENT, None, SUPERVISORS),
    "suspend": Transition(frozenset({Status.OPENED}) | WITH_DEPARTMENT, Status.SUSPENDED, SUPERVISORS),
    "resume": Transition(frozenset({Status.SUSPENDED}), None, SUPERVISORS),
}


def authorise(action: str, *, status: str, roles: set[str], case_id) -> str:
    """The role the user acts in, or an error naming the state or the roles."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise StateNotAllowed(_("case %(id)s: '%(action)s' is not allowed in state '%(state)s' (only in %(states)s).") % {
            "id": case_id, "action": action, "state": status, "states": ", ".join(sorted(transition.sources))})
    allowed = roles & transition.roles
    if not allowed:
        held = ", ".join(sorted(roles)) or _("no role over this case")
        raise RoleNotAllowed(_("case %(id)s: '%(action)s' in state '%(state)s' needs one of %(roles)s; you hold "
                               "%(held)s.") % {"id": case_id, "action": action, "state": status,
                                               "roles": ", ".join(sorted(transition.roles)), "held": held})
    return sorted(allowed)[0]
