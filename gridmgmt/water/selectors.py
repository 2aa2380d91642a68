"""Reads of the water app: the water body's file (一河一档)."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import assignments_of
from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.areas.models import Community
from gridmgmt.events.models import Event
from gridmgmt.grids.models import Grid
from gridmgmt.water.models import WaterBody
from gridmgmt.water.patrols import grids_touching, patrol_statuses

# Events of the water classes (23xx) this close to the body belong to its file.
CASES_NEAR_M = 50
WATER_BIG_CLASS = "23"


def water_body_file(*, code: str, user) -> dict | None:
    """Everything about one water body, the events limited to ``user``'s jurisdiction; None if unknown."""
    body = WaterBody.objects.filter(code=code).first()
    if body is None:
        return None
    grid_codes = grids_touching(body)
    near = Event.objects.extra(  # geography distance in metres; the bbox test keeps the index in use
        where=["ST_DWithin(events_event.location, (SELECT geometry FROM water_waterbody WHERE id = %s), 0.001)",
               "ST_DWithin(events_event.location::geography, "
               "(SELECT geometry FROM water_waterbody WHERE id = %s)::geography, %s)"],
        params=[body.pk, body.pk, CASES_NEAR_M]).filter(small_class__code__startswith=WATER_BIG_CLASS)
    events = scope_of(user).events(
        Event.objects.filter(Q(water_observations__water_body=body) | Q(pk__in=near.values("pk"))).distinct(),
    ).select_related("small_class", "department").order_by("-received_at")[:50]
    return {
        "body": body,
        "grid_codes": grid_codes,
        "communities": Community.objects.filter(boundary__intersects=body.geometry).order_by("code"),
        "chiefs": body.chiefs.select_related("user").all(),
        "grid_workers": get_user_model().objects.filter(
            role_assignments__role=Role.GRID_WORKER, role_assignments__grid_code__in=grid_codes).distinct(),
        "status": patrol_statuses(bodies=WaterBody.objects.filter(pk=body.pk))[0],
        "patrols": body.patrols.select_related("worker")[:50],
        "observations": body.observations.all()[:50],
        "events": events,
    }


def water_bodies_of_worker(user) -> list[WaterBody]:
    """Water bodies touching the active grids the user is grid worker of."""
    codes = [a.grid_code for a in assignments_of(user) if a.role == Role.GRID_WORKER]
    touching = Q(pk__in=[])
    for polygon in Grid.objects.active().filter(code__in=codes).values_list("polygon", flat=True):
        touching |= Q(geometry__intersects=polygon)
    return list(WaterBody.objects.filter(touching).order_by("name", "code"))
