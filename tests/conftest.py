"""Shared fixtures. Database tests run on real PostGIS (the project cluster or DATABASE_URL)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every run, so a run that passes
# here passes in CI; GRIDMGMT_HYPOTHESIS=random explores new ones (a random
# run found the mixed-dimension overlay now tested in test_partition.py).
hypothesis_settings.register_profile("fixed", derandomize=True, database=None)
hypothesis_settings.register_profile("random")
hypothesis_settings.load_profile(os.environ.get("GRIDMGMT_HYPOTHESIS", "fixed"))


def pytest_configure(config):
    # Production hashes a password with PBKDF2 at a million rounds (~0.3 s): test fixtures make
    # hundreds of users, which cost more than the tests. A test that signs in through a separate
    # server process sets a production hash itself (tests/ops/test_serve.py).
    from django.conf import settings
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (Chinese).

    A request through the test client leaves its language active in the thread (LocaleMiddleware
    activates it and nothing deactivates it), so a test run after one made in English read English
    where Chinese was meant, and the order of the tests decided the outcome
    (tests/events/test_photos.py after tests/cases/).
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of a test process (tests/web, tests/ops).

    Playwright's sync API runs an asyncio loop in this thread for as long as it is open, so a second one
    in the same process fails ("It looks like you are using Playwright Sync API inside the asyncio loop"):
    a test that launched its own browser failed whenever a browser test had run before it in its process.
    """
    from playwright.sync_api import sync_playwright

    from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def yuexiu_source() -> Path:
    """The real Yuexiu sources the demo is built from (provenance in fixtures/yuexiu/README.md)."""
    return REPO / "fixtures" / "yuexiu" / "source"


# The Yuexiu demo as loaded once in this test process: {table: its rows in COPY's binary format} and
# {sequence: its last value}. Loading it took 3.6 s CPU quiet, 20-30 s under load, in each of five modules.
_yuexiu_snapshot: dict[str, dict] = {}


def _django_tables(connection) -> list[str]:
    """The tables flush empties (the models' tables; not django_migrations, nor PostGIS's spatial_ref_sys)."""
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _yuexiu_take(connection) -> dict[str, dict]:
    import io

    rows = {}
    with connection.cursor() as cursor:
        for table in _django_tables(connection):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT EXISTS (SELECT FROM {quoted})")
            if cursor.fetchone()[0]:
                buffer = io.BytesIO()
                cursor.copy_expert(f"COPY {quoted} TO STDOUT (FORMAT binary)", buffer)
                rows[table] = buffer.getvalue()
        cursor.execute("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value"
                       " FROM pg_sequences WHERE schemaname = current_schema()")
        sequences = dict(cursor.fetchall())
    return {"rows": rows, "sequences": sequences}


def _yuexiu_restore(connection, snapshot: dict[str, dict]) -> None:
    """The database as the snapshot was taken: every model table emptied, then the snapshot's rows and
    sequences put back (in one transaction: Django's foreign keys are checked at its end)."""
    import io

    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in _django_tables(connection)))
        for table, data in snapshot["rows"].items():
            cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} FROM STDIN (FORMAT binary)",
                               io.BytesIO(data))
        for sequence, last_value in snapshot["sequences"].items():
            cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value or 1, last_value is not None])


@pytest.fixture(scope="module")
def yuexiu(django_db_setup, django_db_blocker):
    """The Yuexiu demo (areas, buildings, catalogue; no grids), for the tests of a module.

    ``load_demo`` runs once per test process, on an emptied database; the next module that asks gets the
    same rows and sequences back by COPY (3.6 s CPU for a load, well under a second for a copy).
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if not _yuexiu_snapshot:
            call_command("flush", "--no-input", verbosity=0)
            call_command("load_demo", "--no-grids", stdout=open("/dev/null", "w"))
            _yuexiu_snapshot.update(_yuexiu_take(connection))
        else:
            _yuexiu_restore(connection, _yuexiu_snapshot)
        yield
        # Other modules build their own small worlds (departments, classes, areas): leave nothing behind.
        call_command("flush", "--no-input", verbosity=0)
