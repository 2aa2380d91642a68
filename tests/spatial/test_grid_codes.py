"""Grid codes (CJ/T 213 14-digit, DB11/T 2157 15-digit) and sequence numbering."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from spatial.grid_codes import grid_code, grid_codes, sequence_numbers

# 越秀区 洪桥街道 三眼井社区, the example in docs/domain.md.
SANYANJING = "440104001007"


def test_two_digit_code_is_fourteen_digits():
    assert grid_code(SANYANJING, 1) == "44010400100701"
    assert len(grid_code(SANYANJING, 99)) == 14


def test_three_digit_code_is_the_fifteen_digit_beijing_form():
    assert grid_code(SANYANJING, 7, digits=3) == "440104001007007"
    assert grid_code(SANYANJING, 120, digits=3) == "440104001007120"


def test_more_than_99_grids_with_two_digits_raises_and_says_so():
    with pytest.raises(ValueError, match=r"2-digit sequence allows at most 99 grids; use digits=3"):
        grid_code(SANYANJING, 100)
    with pytest.raises(ValueError, match=r"has 120 grids, more than the 99"):
        grid_codes(SANYANJING, 120)
    assert grid_codes(SANYANJING, 120, digits=3)[-1] == "440104001007120"


def test_community_code_must_be_twelve_digits():
    with pytest.raises(ValueError, match="not 12 digits"):
        grid_code("4401040010", 1)


def test_sequences_run_west_to_east_then_north_to_south():
    # A 3 x 2 layout given in scrambled order; expected numbers by hand:
    # north row 1 2 3, south row 4 5 6.
    cells = {(col, row): box(col * 100, row * 100, col * 100 + 100, row * 100 + 100) for col in range(3) for row in range(2)}
    order = [(2, 0), (0, 1), (1, 0), (2, 1), (0, 0), (1, 1)]
    sequences = sequence_numbers([cells[key] for key in order])
    expected = {(0, 1): 1, (1, 1): 2, (2, 1): 3, (0, 0): 4, (1, 0): 5, (2, 0): 6}
    assert sequences == [expected[key] for key in order]


def test_slightly_uneven_rows_still_number_as_rows():
    # Grids of one row whose centres differ by less than a row height.
    west = box(0, 0, 100, 100)
    east = box(100, -20, 200, 80)
    south = box(0, -100, 100, 0)
    assert sequence_numbers([east, south, west]) == [2, 3, 1]
