"""The Yuexiu demo's areas, loaded once per test module into the test database."""

import pytest
from django.core.management import call_command

from gridmgmt.areas.models import Building, BoundaryVersion, Community, District, Street


@pytest.fixture(scope="module")
def yuexiu(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--no-grids", stdout=open("/dev/null", "w"))
        yield
        Building.objects.all().delete()
        BoundaryVersion.objects.all().delete()
        Community.objects.all().delete()
        Street.objects.all().delete()
        District.objects.all().delete()
