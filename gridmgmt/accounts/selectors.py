"""Reads of roles and jurisdictions.

Cases and events both carry ``grid_code``, ``community_code``, ``street_code``
and ``department``; :func:`jurisdiction_q` filters either by what a user may
see, and :func:`roles_over` says which of the user's roles apply to one such
record. Keeping both here means every API filters the same way.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from gridmgmt.accounts.models import Role, RoleAssignment

# Centre and leadership roles see the whole district (the supervision and
# command centres work district-wide; the district leader reads all).
DISTRICT_WIDE_ROLES = {Role.CALL_TAKER, Role.SHIFT_LEADER, Role.DISPATCHER, Role.DISTRICT_LEADER, Role.ADMIN}


def assignments_of(user) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_role_assignments", None)
    if cache is None:
        cache = list(user.role_assignments.select_related("community", "street"))
        user._role_assignments = cache
    return cache


def jurisdiction_q(user) -> Q:
    """A filter on records with grid/community/street codes and a department; matches nothing if no scope."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for a in assignments_of(user):
        if a.role in DISTRICT_WIDE_ROLES:
            return Q()
        if a.role == Role.GRID_WORKER:
            q |= Q(grid_code=a.grid_code)
        elif a.role == Role.COMMUNITY_SUPERVISOR:
            q |= Q(community_code=a.community.code)
        elif a.role == Role.STREET_SUPERVISOR:
            q |= Q(street_code=a.street.code)
        elif a.role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_HEAD):
            q |= Q(department_id=a.department_id)
    return q


def roles_over(user, record) -> set[str]:
    """The user's roles whose scope covers ``record`` (a case or an event)."""
    roles = set()
    for a in assignments_of(user):
        if (
            a.role in DISTRICT_WIDE_ROLES
            or (a.role == Role.GRID_WORKER and a.grid_code == record.grid_code)
            or (a.role == Role.COMMUNITY_SUPERVISOR and a.community.code == record.community_code)
            or (a.role == Role.STREET_SUPERVISOR and a.street.code == record.street_code)
            or (a.role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_HEAD)
                and a.department_id == record.department_id)
        ):
            roles.add(a.role)
    return roles


def users_with_role(role: str, **scope):
    """Active users holding ``role`` over ``scope`` (e.g. ``department=d``, ``grid_code=c``)."""
    filters = {f"role_assignments__{k}": v for k, v in scope.items()}
    return get_user_model().objects.filter(
        is_active=True, role_assignments__role=role, **filters).distinct().order_by("id")


def in_jurisdiction(records, user):
    """``records`` (cases or events) limited to the user's jurisdiction.

    A request authenticated by an integration's API key has no user; the key's
    own permission decides, so its records pass unfiltered.
    """
    return records.filter(jurisdiction_q(user)) if user.is_authenticated else records
