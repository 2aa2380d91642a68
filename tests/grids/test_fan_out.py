"""generate_grids --fan-out: batches of communities as tasks on a real Celery worker (Redis), same grids as serial."""

import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
import shapely
from celery.result import AsyncResult, GroupResult
from django.core.management import call_command

from gridmgmt.celery import app
from gridmgmt.grids.inputs import community_inputs
from gridmgmt.grids.models import Grid, GridGeneration
from gridmgmt.grids.partitioning import community_payload, partition_payload
from gridmgmt.grids.tasks import celery_workers, partition_many, payload_batches

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def worker_process():
    """A real worker on a queue of this module's own, so no other worker on the broker takes its tasks.

    One for the module's tests (a start is 3-4 s here): a task is pure computation on the payload it is
    given, so nothing one test sends changes what the next one gets.
    """
    queue = f"gridgen-test-{os.getpid()}-{time.monotonic_ns()}"
    name = f"{queue}@localhost"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "gridmgmt", "worker", "--pool", "solo", "-Q", queue,
         "-n", name, "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=REPO, env={**os.environ, "GRIDMGMT_CELERY_QUEUE": queue}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "worker did not start"
        yield queue, name
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def worker(worker_process, monkeypatch):
    """The module's worker, its queue the test's default one."""
    queue, name = worker_process
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    return name


def grids_of(generation):
    # Codes differ: the second generation never reuses the first one's (even inactive) codes.
    return [(g.community.code, shapely.from_wkb(bytes(g.polygon.wkb)).wkb, g.households)
            for g in generation.grids.select_related("community").order_by("community__code", "sequence")]


def test_fan_out_on_a_real_worker_gives_the_serial_grids(two_communities, worker):
    payloads = [community_payload(item, 200) for item in community_inputs(list(two_communities))]
    serial = [partition_payload(p) for p in payloads]
    # One task for both (52 buildings < the batch), and one task per community: the same outcomes, in order.
    assert partition_many(payloads) == serial
    assert partition_many(payloads, min_buildings=1) == serial

    call_command("generate_grids", "--all", stdout=StringIO())
    call_command("generate_grids", "--all", "--fan-out", stdout=StringIO())
    serial, fanned = GridGeneration.objects.order_by("id")
    assert grids_of(serial) == grids_of(fanned) and len(grids_of(serial)) == 6


def test_results_are_removed_from_redis_once_read(two_communities, worker, monkeypatch):
    forgotten = []
    forget = GroupResult.forget

    def spy(result):
        forgotten.append([child.id for child in result.results])
        forget(result)

    monkeypatch.setattr(GroupResult, "forget", spy)
    payloads = [community_payload(item, 200) for item in community_inputs(list(two_communities))]
    partition_many(payloads, min_buildings=1)
    (ids,) = forgotten
    # A result the backend no longer holds reads as PENDING.
    assert len(ids) == 2 and [AsyncResult(i, app=app).state for i in ids] == ["PENDING", "PENDING"]


def test_batches_hold_at_least_the_buildings_asked_and_keep_the_order():
    payloads = [{"community": str(i), "building_ids": list(range(size))} for i, size in enumerate([3, 0, 4, 9, 1, 2])]
    batches = payload_batches(payloads, 5)
    assert [[p["community"] for p in batch] for batch in batches] == [["0", "1", "2"], ["3"], ["4", "5"]]
    assert [p for batch in batches for p in batch] == payloads
    # One community per task, but a community without buildings rides with the next.
    assert [[p["community"] for p in batch] for batch in payload_batches(payloads, 1)] == [
        ["0"], ["1", "2"], ["3"], ["4"], ["5"]]
    assert payload_batches(payloads, 100) == [payloads] and payload_batches([], 5) == []


def test_fan_out_without_a_broker_runs_serially(two_communities, monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert celery_workers(timeout_s=0.2) == 0
    call_command("generate_grids", "--all", "--fan-out", "--activate", stdout=StringIO())
    assert Grid.objects.filter(active=True).count() == 6
