"""The Yuexiu demo, loaded once per test module into the test database."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def yuexiu(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--no-grids", stdout=open("/dev/null", "w"))
        yield
        # Other modules build their own small worlds (departments, classes, areas): leave nothing behind.
        call_command("flush", "--no-input", verbosity=0)
