"""Demo sign-ins, one per role, over the Yuexiu demo (for trying the pages, never for production)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.areas.models import Community, Department, Street
from gridmgmt.grids.models import Grid

# 洪桥街道 三眼井社区 is the example in the code standard's text (440104001007).
DEMO_COMMUNITY = "440104001007"
DEMO_DEPARTMENT = "HW"  # 环卫: exposed rubbish, the commonest event class


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope: str


@transaction.atomic
def demo_users_create(*, password: str) -> list[DemoUser]:
    """Create (or leave as they are) one user per role; returns who they are."""
    community = Community.objects.select_related("street").get(code=DEMO_COMMUNITY)
    grid = Grid.objects.active().filter(community=community).order_by("code").first()
    department = Department.objects.filter(code=DEMO_DEPARTMENT).first()
    street: Street = community.street
    plan = [
        ("worker", Role.GRID_WORKER, {"grid_code": grid.code if grid else ""}),
        ("community", Role.COMMUNITY_SUPERVISOR, {"community": community}),
        ("street", Role.STREET_SUPERVISOR, {"street": street}),
        ("calltaker", Role.CALL_TAKER, {}),
        ("shiftleader", Role.SHIFT_LEADER, {}),
        ("dispatcher", Role.DISPATCHER, {}),
        ("handler", Role.DEPARTMENT_HANDLER, {"department": department}),
        ("head", Role.DEPARTMENT_HEAD, {"department": department}),
        ("leader", Role.DISTRICT_LEADER, {}),
        ("gis", Role.GIS_EDITOR, {}),
    ]
    users = get_user_model().objects
    created = []
    for username, role, scope in plan:
        if any(value in ("", None) for value in scope.values()):
            continue  # e.g. no grids yet: the worker comes with the next load
        user, new = users.get_or_create(username=username)
        if new:
            user.set_password(password)
            user.save()
        RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
        label = next(iter(scope.values()), "district")
        created.append(DemoUser(username=username, role=str(Role(role).label), scope=str(label)))
    admin, new = users.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    if new:
        admin.set_password(password)
        admin.save()
    created.append(DemoUser(username="admin", role="admin", scope="Django admin"))
    return created
