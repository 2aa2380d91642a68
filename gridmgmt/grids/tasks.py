"""Celery tasks of grid generation: one community's partition per task (no database needed)."""

from celery import group, shared_task
from kombu.exceptions import OperationalError

from gridmgmt.grids.partitioning import partition_payload


@shared_task(name="gridmgmt.grids.tasks.partition_community")
def partition_community(payload: dict) -> dict:
    return partition_payload(payload)


def celery_workers(timeout_s: float = 1.0) -> int:
    """How many Celery workers answer a ping; 0 when there is no broker or no worker."""
    from gridmgmt.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout_s)
        return len(app.control.ping(timeout=timeout_s) or [])
    except (OSError, OperationalError):
        return 0


def partition_many(payloads: list[dict], timeout_s: float = 3600.0) -> list[dict]:
    """The outcomes of ``partition_payload`` for each payload, computed on the Celery workers, in order."""
    return group(partition_community.s(payload) for payload in payloads).apply_async().get(timeout=timeout_s)
