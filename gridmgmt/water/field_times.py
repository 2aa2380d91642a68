"""When a worker's phone says a patrol or an observation took place: the one window both must lie in.

A phone whose clock was reset sends 1970 (a GPS week rollover, 1999); a typed date can say year 1 or
9999. Each was stored, and a patrol of 1970 or 2100 counted in the patrol KPIs and missed-patrol checks.
"""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

# Earlier than any patrol or observation this system can hold. Fixed, not "N days before now": the
# services also file records a phone queued long ago, and the tests' fixed dates must stay valid.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Clocks of phones drift; further ahead than this is refused, not stored in the future.
MAX_AHEAD = timedelta(minutes=5)


def field_time_range(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The earliest and the latest moment a worker can have been in the field, as of ``now``."""
    return EARLIEST, (now or timezone.now()) + MAX_AHEAD


def field_time_problem(moment: datetime, *, now: datetime | None = None) -> str | None:
    """Why ``moment`` (aware) cannot be when a worker was in the field, or None when it can."""
    earliest, latest = field_time_range(now)
    if moment > latest:
        return f"{moment.isoformat()} is in the future"
    if moment < earliest:
        return f"{moment.isoformat()} is before {earliest.year}"
    return None
