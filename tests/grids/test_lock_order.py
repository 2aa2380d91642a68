"""R11 in the grid editor: two edits of one community at once (two GIS editors), each on its own
database connection. Every grid change locks the community before its grids (grids.codes.communities_lock),
so the second waits and is refused by name; before, each held its own grid and waited for the
other's (split G1 and split G2: 'deadlock detected', a 500 in the GIS editor). Each edit holds its
grid a moment (a slowed geometry read right after the lock) so that without one order the two
transactions would hold one row each."""

import time

import pytest
from shapely.geometry import LineString

from gridmgmt.grids import editing
from gridmgmt.grids.editing import GridEditError, community_grids_undo, grid_split
from gridmgmt.grids.models import Grid
from gridmgmt.grids.services import grids_generate
from tests.cases.test_lock_order import at_once
from tests.grids.test_editing import _polygon

pytestmark = pytest.mark.django_db(transaction=True)

X = 113.27 + 0.003  # between lattice columns of the east community (step 0.002°), as in test_editing


@pytest.fixture
def east_in_halves(two_communities):
    _, east = two_communities
    grids_generate(communities=list(two_communities), target_households=200, code_digits=2, activate=True)
    (only,) = Grid.objects.active().filter(community=east)
    minx, miny, maxx, maxy = _polygon(only).bounds
    grid_split(grid=only, line=LineString([(X, miny - 0.001), (X, maxy + 0.001)]))
    return east, sorted(Grid.objects.active().filter(community=east), key=lambda g: _polygon(g).bounds[0])


@pytest.fixture
def slow_geometry(monkeypatch):
    real = editing._polygon

    def slow(grid):
        time.sleep(0.3)  # the other transaction takes its first row meanwhile
        return real(grid)

    monkeypatch.setattr(editing, "_polygon", slow)


def _split_in_two(grid):
    minx, miny, maxx, maxy = _polygon(grid).bounds
    middle = (miny + maxy) / 2 + 0.0005  # between lattice rows
    return lambda: grid_split(grid=grid, line=LineString([(minx - 0.001, middle), (maxx + 0.001, middle)]))


def test_two_splits_in_one_community_at_once_queue_and_the_second_is_refused_by_name(east_in_halves, slow_geometry):
    east, (west_half, east_half) = east_in_halves
    results = at_once(_split_in_two(west_half), _split_in_two(east_half))
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], GridEditError), results
    assert "is not active" in str(refused[0])


def test_a_split_and_an_undo_of_its_community_at_once_do_not_deadlock(east_in_halves, slow_geometry):
    east, (west_half, _) = east_in_halves

    def undo_a_moment_later():
        time.sleep(0.1)  # the split holds its grid by now
        return community_grids_undo(community=east)

    results = at_once(_split_in_two(west_half), undo_a_moment_later)
    assert not any("deadlock" in str(r) for r in results), results
    assert all(not isinstance(r, Exception) or isinstance(r, GridEditError) for r in results), results
