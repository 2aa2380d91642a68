"""Reads of roles: a user's role assignments and the users holding a role.

What a role lets its holder *read* (the jurisdiction) is decided in
:mod:`gridmgmt.accounts.jurisdiction`, and nowhere else.
"""

from django.contrib.auth import get_user_model

from gridmgmt.accounts.models import RoleAssignment


def assignments_of(user) -> list[RoleAssignment]:
    """The user's role assignments (cached on the user object); none for anonymous callers."""
    if user is None or not user.is_authenticated:
        return []
    cache = getattr(user, "_role_assignments", None)
    if cache is None:
        cache = list(user.role_assignments.select_related("community", "street"))
        user._role_assignments = cache
    return cache


def users_with_role(role: str, **scope):
    """Active users holding ``role`` over ``scope`` (e.g. ``department=d``, ``grid_code=c``)."""
    filters = {f"role_assignments__{k}": v for k, v in scope.items()}
    return get_user_model().objects.filter(
        is_active=True, role_assignments__role=role, **filters).distinct().order_by("id")
