"""Reads of cases, always filtered by the reader's jurisdiction."""

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Q

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.cases.models import Case, Notification
from gridmgmt.geo import STORAGE_SRID


def cases_visible_to(user):
    """Cases in the user's jurisdiction (:mod:`gridmgmt.accounts.jurisdiction`); none for anonymous callers."""
    return scope_of(user).cases(Case.objects.select_related("small_class", "department"))


def case_list(*, user, status: str | None = None, mine: bool = False):
    """Cases the user may see; ``mine`` = where the user is the named handler or verifier."""
    cases = cases_visible_to(user)
    if status:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(Q(handler=user) | Q(verifier=user))
    return cases


def case_get(*, user, case_id: int) -> Case | None:
    """The case if the user may see it; None also when it exists outside their jurisdiction."""
    return cases_visible_to(user).prefetch_related("history__attachments", "sources", "postponements").filter(
        pk=case_id).first()


def notifications_of(user, *, unread: bool = False):
    notes = Notification.objects.filter(user=user)
    return notes.filter(read_at__isnull=True) if unread else notes


def point_within_grid(case: Case, point: Point, *, tolerance_m: float) -> bool:
    """Whether ``point`` (WGS84) is inside the case's grid or within ``tolerance_m`` metres of it.

    Without a grid, the case's own location is the target. Distances are on
    the geography type (metres on the spheroid), never in degrees.
    """
    target = ("(SELECT polygon FROM grids_grid WHERE id = %s)", case.grid_id) if case.grid_id else (
        "(SELECT location FROM cases_case WHERE id = %s)", case.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_DWithin({target[0]}::geography, ST_SetSRID(ST_MakePoint(%s, %s), {STORAGE_SRID})::geography, %s)",
            [target[1], point.x, point.y, tolerance_m])
        return bool(cursor.fetchone()[0])
