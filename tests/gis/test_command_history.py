"""Grids switched over by a command are in the GIS history as surely as by the editor: one record per
community, filed under its code, naming the command and the system account that ran it, with the grids
before and after and the reason (``--reason``, or the command as run). Refused input changes nothing.
"""

import getpass
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gridmgmt.areas.models import Building
from gridmgmt.gis.models import ChangeRecord
from gridmgmt.grids.models import Grid, GridGeneration
from tests.gis.district import add_lattice

pytestmark = pytest.mark.django_db
VIA = {command: f"manage.py {command}, run by {getpass.getuser()}" for command in ("generate_grids", "grid_activate")}


@pytest.fixture
def lattices(two_communities):
    add_lattice(two_communities.west, x0=113.26, households=10)
    add_lattice(two_communities.east, x0=113.27, households=10)
    return two_communities


def _codes(community) -> list[str]:
    return sorted(Grid.objects.active().filter(community=community).values_list("code", flat=True))


def test_generate_grids_activate_files_one_record_per_community_with_the_command_and_its_account(lattices):
    call_command("generate_grids", "--street", lattices.street.code, "--activate", stdout=io.StringIO())
    records = {r.code: r for r in ChangeRecord.objects.all()}
    assert sorted(records) == [lattices.west.code, lattices.east.code]
    for community in (lattices.west, lattices.east):
        record = records[community.code]
        assert (record.user, record.via, record.action) == (None, VIA["generate_grids"], "regenerate")
        assert record.reason == f"generate_grids --street {lattices.street.code} --activate"
        assert record.before == {} and sorted(record.after) == _codes(community) == record.codes
        assert record.after[_codes(community)[0]]["type"] == "Polygon"


def test_grid_activate_files_what_the_grids_were_before_and_the_reason_given(lattices):
    call_command("generate_grids", "--community", lattices.east.code, "--activate", stdout=io.StringIO())
    first = _codes(lattices.east)
    Building.objects.filter(community=lattices.east).update(households=30)  # 270 households: two grids
    call_command("generate_grids", "--community", lattices.east.code, stdout=io.StringIO())
    generation = GridGeneration.objects.get(activated_at__isnull=True)
    call_command("grid_activate", str(generation.pk), "--reason", "survey 2026", stdout=io.StringIO())
    record = ChangeRecord.objects.filter(via=VIA["grid_activate"]).get()
    assert (record.code, record.reason) == (lattices.east.code, "survey 2026")
    assert sorted(record.before) == first and sorted(record.after) == _codes(lattices.east) != first
    # The editor's history shows who: the command and its account, in the page and the API.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(lattices.gis)
    assert VIA["grid_activate"] in client.get(f"/gis/history/{lattices.east.code}/").content.decode()
    changes = client.get(f"/gis/api/history/{lattices.east.code}/").json()["changes"]
    assert [c["user"] for c in changes] == [VIA["grid_activate"], VIA["generate_grids"]]


@pytest.mark.parametrize("reason", ["x" * 501, "a\x00b"])
def test_a_reason_the_history_cannot_hold_is_refused_naming_it_and_nothing_activated(lattices, reason):
    call_command("generate_grids", "--community", lattices.east.code, stdout=io.StringIO())
    generation = GridGeneration.objects.get()
    with pytest.raises(CommandError, match="reason"):
        call_command("grid_activate", str(generation.pk), "--reason", reason, stdout=io.StringIO())
    with pytest.raises(CommandError, match="reason"):
        call_command("generate_grids", "--community", lattices.west.code, "--activate", "--reason", reason,
                     stdout=io.StringIO())
    assert not Grid.objects.active().exists() and not ChangeRecord.objects.exists()
    assert GridGeneration.objects.filter(activated_at__isnull=False).count() == 0


def test_activating_the_active_generation_again_files_nothing(lattices):
    call_command("generate_grids", "--all", "--activate", stdout=io.StringIO())
    generation = GridGeneration.objects.get()
    call_command("grid_activate", str(generation.pk), stdout=io.StringIO())
    assert ChangeRecord.objects.filter(via=VIA["grid_activate"]).count() == 0
    assert ChangeRecord.objects.filter(via=VIA["generate_grids"]).count() == 2


def test_generating_without_activating_files_nothing(lattices):
    call_command("generate_grids", "--all", stdout=io.StringIO())
    assert not ChangeRecord.objects.exists()


def test_a_record_naming_no_one_is_refused(two_communities):
    from gridmgmt.gis.audit import change_record

    with pytest.raises(ValueError, match="names who made it"):
        change_record(user=None, kind="grid", action="regenerate", code=two_communities.east.code, reason="x",
                      before={}, after={})
    assert not ChangeRecord.objects.exists()
