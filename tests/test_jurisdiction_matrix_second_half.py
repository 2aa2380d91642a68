"""The jurisdiction matrix's other half of the routes (see test_jurisdiction_matrix.py)."""

from tests.cases.conftest import media_in_tmp, photo, users, world  # noqa: F401
from tests.test_jurisdiction_matrix import check_matrix, client_as_session, matrix  # noqa: F401


def test_no_caller_reads_or_changes_anything_outside_its_jurisdiction_second_half(matrix, record_property, capsys):
    check_matrix(matrix, 1, record_property, capsys)
