"""Base-data corrections from the field (四标四实): a grid worker proposes, the GIS editor decides.

Who decides is written here once (:func:`corrections_decidable`): the GIS
editor any correction, a community supervisor the household counts of their
own community. An accepted correction changes the base data and files a
``ChangeRecord`` (before/after) in the same transaction: households feed
the building's count (source ``count``, so no estimate overwrites it) and
the household total of the active grid holding the building; an address
goes to the building; a component (部件) moves to the reported position.
Positions are WGS84 (EPSG:4326).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import Building, HouseholdsSource
from gridmgmt.events.models import Component
from gridmgmt.events.photos import photo_clean
from gridmgmt.gis.audit import change_record
from gridmgmt.gis.models import BaseDataCorrection, CorrectionKind, CorrectionStatus
from gridmgmt.grids.models import Grid
from gridmgmt.web.roles import roles_of

# A building above this many households is a typing error, not a count.
MAX_HOUSEHOLDS = 5000


class CorrectionError(ValueError):
    """A proposal or decision that cannot be made; the message names the field and the reason."""


def worker_grid(user) -> Grid:
    codes = sorted(scope_of(user).grid_codes)
    grid = Grid.objects.active().select_related("community__street").filter(code__in=codes).first()
    if grid is None:
        raise CorrectionError(_("Only a grid worker of a current grid can propose corrections."))
    return grid


def _in_grid(grid: Grid, point, what: str) -> None:
    if point is None or not grid.polygon.covers(point):
        raise CorrectionError(_("The %(what)s is not in your grid %(grid)s.") % {"what": what, "grid": grid.code})


@transaction.atomic
def correction_propose(*, user, kind: str, building_id: int | None = None, households: int | None = None,
                       address: str = "", component_code: str = "", location=None, photo=None,
                       note: str = "") -> BaseDataCorrection:
    """Store a pending correction of the worker's own grid.

    ``households`` (0–5000) or ``address`` of building ``building_id``; or
    ``component_code`` with its new ``location`` (GEOS Point, WGS84) and a
    ``photo`` (cleaned by the one upload policy). Raises ``CorrectionError``
    naming the problem; nothing is stored then.
    """
    grid = worker_grid(user)
    correction = BaseDataCorrection(kind=kind, proposed_by=user, note=note.strip()[:500], grid_code=grid.code,
                                    community_code=grid.community.code, street_code=grid.community.street.code)
    if kind in (CorrectionKind.HOUSEHOLDS, CorrectionKind.ADDRESS):
        building = Building.objects.filter(pk=building_id).first() if building_id else None
        if building is None:
            raise CorrectionError(_("Choose the building."))
        _in_grid(grid, building.location, _("building"))
        correction.building = building
        if kind == CorrectionKind.HOUSEHOLDS:
            if households is None or not 0 <= households <= MAX_HOUSEHOLDS:
                raise CorrectionError(_("Households must be a whole number from 0 to %(max)s.") % {"max": MAX_HOUSEHOLDS})
            correction.households = households
        elif not address.strip():
            raise CorrectionError(_("Write the address."))
        correction.address = address.strip()[:255]
    elif kind == CorrectionKind.COMPONENT:
        component = Component.objects.filter(code=component_code).first()
        if component is None:
            raise CorrectionError(_("No component with code %(code)s.") % {"code": component_code or "–"})
        _in_grid(grid, location, _("position"))
        if photo is None:
            raise CorrectionError(_("A component correction needs a photo."))
        try:
            cleaned = photo_clean(photo, field="photo")
        except ValidationError as exc:
            raise CorrectionError("; ".join(exc.messages)) from None
        correction.component, correction.location = component, location
        correction.photo.save(cleaned.content.name, cleaned.content, save=False)
    else:
        raise CorrectionError(_("Unknown kind of correction %(kind)s.") % {"kind": kind})
    correction.full_clean()
    correction.save()
    return correction


def corrections_decidable(user):
    """The pending corrections ``user`` may decide: all for the GIS editor, a supervisor's community's counts."""
    roles = roles_of(user)
    pending = BaseDataCorrection.objects.filter(status=CorrectionStatus.PENDING).select_related(
        "building", "component", "proposed_by")
    if Role.GIS_EDITOR in roles:
        return pending
    if Role.COMMUNITY_SUPERVISOR in roles:
        return pending.filter(scope_of(user).q(), kind=CorrectionKind.HOUSEHOLDS)
    return pending.filter(Q(pk__in=[]))


def _apply(correction: BaseDataCorrection) -> tuple[str, dict, dict]:
    """Change the base data; returns (audit kind, before, after)."""
    if correction.kind == CorrectionKind.COMPONENT:
        component = Component.objects.select_for_update().get(pk=correction.component_id)
        before = {f"component {component.code}": component.location}
        component.location = correction.location
        component.save(update_fields=["location"])
        return "component", before, {f"component {component.code}": correction.location}
    building = Building.objects.select_for_update().get(pk=correction.building_id)
    key = f"building {building.pk}"
    if correction.kind == CorrectionKind.ADDRESS:
        before, building.address = {key: {"address": building.address}}, correction.address
        building.save(update_fields=["address"])
        return "building", before, {key: {"address": building.address}}
    before = {key: {"households": building.households, "households_source": building.households_source}}
    delta = correction.households - building.households
    building.households, building.households_source = correction.households, HouseholdsSource.COUNT
    building.save(update_fields=["households", "households_source"])
    # The grid's total follows the count it is built on (grids place a building by its point).
    grid = Grid.objects.active().filter(polygon__covers=building.location).order_by("code").first()
    if grid is not None:
        Grid.objects.filter(pk=grid.pk).update(households=F("households") + delta)
    return "building", before, {key: {"households": building.households, "households_source": "count"}}


@transaction.atomic
def correction_decide(*, user, correction_id: int, accept: bool, note: str = "") -> BaseDataCorrection:
    """Accept (apply and audit) or reject a pending correction; raises ``CorrectionError``."""
    correction = corrections_decidable(user).select_for_update(of=("self",)).filter(pk=correction_id).first()
    if correction is None:
        raise CorrectionError(_("No pending correction %(id)s that you may decide.") % {"id": correction_id})
    if accept:
        kind, before, after = _apply(correction)
        change_record(user=user, kind=kind, action=f"correction {correction.kind}", code=correction.grid_code,
                      reason=note.strip() or _("field correction %(id)s by %(user)s")
                      % {"id": correction.pk, "user": correction.proposed_by.get_username()},
                      before=before, after=after)
    correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    correction.decided_by, correction.decided_at = user, timezone.now()
    correction.decision_note = note.strip()[:500]
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return correction
