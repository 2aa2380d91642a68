"""Celery tasks of grid generation: the partitions of a batch of communities per task (no database needed)."""

from celery import group, shared_task
from kombu.exceptions import OperationalError

from gridmgmt.grids.partitioning import partition_payload

# Buildings per task, at least. A Yuexiu community (~50 buildings) takes tens
# of milliseconds to partition, and each task costs messages through Redis on
# top: bench/grids_fanout.py on 444 communities (one worker, a shared and
# loaded machine) spent 9.6 s of a 99 s partition phase outside the tasks with
# one community per task (~22 ms a task), 1.6 s of 29 s with batches of 500
# buildings. 500 still leaves ~220 tasks for a district of 21,000 grids.
BATCH_BUILDINGS = 500


@shared_task(name="gridmgmt.grids.tasks.partition_communities")
def partition_communities(payloads: list[dict]) -> list[dict]:
    """``partition_payload`` of each payload, in order."""
    return [partition_payload(payload) for payload in payloads]


def celery_workers(timeout_s: float = 1.0) -> int:
    """How many Celery workers answer a ping; 0 when there is no broker or no worker."""
    from gridmgmt.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout_s)
        return len(app.control.ping(timeout=timeout_s) or [])
    except (OSError, OperationalError):
        return 0


def payload_batches(payloads: list[dict], min_buildings: int) -> list[list[dict]]:
    """Consecutive payloads in batches of at least ``min_buildings`` buildings (the last may hold fewer).

    Consecutive, so the batches joined again are the payloads in their order.
    """
    batches: list[list[dict]] = [[]]
    buildings = 0
    for payload in payloads:
        if buildings >= min_buildings:
            batches.append([])
            buildings = 0
        batches[-1].append(payload)
        buildings += len(payload["building_ids"])
    return [batch for batch in batches if batch]


def partition_many(payloads: list[dict], timeout_s: float = 3600.0,
                   min_buildings: int | None = None) -> list[dict]:
    """The outcomes of ``partition_payload`` for each payload, computed on the Celery workers, in order.

    Payloads go in batches of at least ``min_buildings`` buildings per task
    (default ``BATCH_BUILDINGS``; 1 sends one community per task). The
    results are removed from the result backend once read.
    """
    batches = payload_batches(payloads, BATCH_BUILDINGS if min_buildings is None else min_buildings)
    result = group(partition_communities.s(batch) for batch in batches).apply_async()
    try:
        outcomes = result.get(timeout=timeout_s)
    finally:
        # The grids of a city would otherwise sit in Redis until the results expire (an hour).
        result.forget()
    return [outcome for batch in outcomes for outcome in batch]
