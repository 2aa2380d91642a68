"""Role assignments carry exactly the scope their role needs; the admin shows them with the user."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.areas.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("u", password="pw")


def test_a_grid_worker_needs_a_grid_code(user):
    with pytest.raises(ValidationError, match="needs a grid code"):
        RoleAssignment(user=user, role=Role.GRID_WORKER).full_clean()


def test_a_district_wide_role_takes_no_scope(user):
    department = Department.objects.create(code="CG", name="城管局")
    with pytest.raises(ValidationError, match="takes no department"):
        RoleAssignment(user=user, role=Role.DISPATCHER, department=department).full_clean()


def test_the_same_assignment_twice_is_refused(user):
    RoleAssignment.objects.create(user=user, role=Role.DISPATCHER)
    with pytest.raises(ValidationError):
        RoleAssignment(user=user, role=Role.DISPATCHER).full_clean()


def test_the_user_admin_edits_roles_inline(admin_client, user):
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200 and b"role_assignments" in page.content
    assert admin_client.get("/admin/cases/calendaroverride/add/").status_code == 200

