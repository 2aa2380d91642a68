"""The ops tests run on the cases tests' tiny district (two streets, one grid each, one user per role)."""

from tests.cases.conftest import case_of, client_as, make_event, users, world  # noqa: F401
