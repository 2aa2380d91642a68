import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from gridmgmt.accounts.demo_users import demo_users_create
from gridmgmt.accounts.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


def test_one_demo_user_per_role_with_its_scope(yuexiu):
    call_command("generate_grids", "--community", "440104001007", "--activate", stdout=open("/dev/null", "w"))
    users = {u.username: u for u in demo_users_create(password="pw-for-test")}
    assert set(users) == {"worker", "community", "street", "calltaker", "shiftleader", "dispatcher", "handler",
                          "head", "leader", "gis", "admin"}
    worker = RoleAssignment.objects.get(user__username="worker")
    assert worker.role == Role.GRID_WORKER and worker.grid_code == "44010400100701"
    assert RoleAssignment.objects.get(user__username="handler").department.code == "HW"
    assert authenticate(username="dispatcher", password="pw-for-test") is not None
    # Twice: nothing new, passwords kept.
    demo_users_create(password="another")
    assert RoleAssignment.objects.filter(user__username="worker").count() == 1
    assert authenticate(username="dispatcher", password="pw-for-test") is not None
