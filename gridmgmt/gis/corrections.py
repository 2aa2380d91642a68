"""Base-data corrections from the field (四标四实): a grid worker proposes, the GIS editor decides.

Who decides is written here once (:func:`corrections_decidable`): the GIS
editor any correction, a community supervisor the household counts of their
own community. An accepted correction changes the base data and files a
``ChangeRecord`` (who, when, before/after, why) in the same transaction:

- households: the building's count (source ``count``, so no estimate
  overwrites it) and the household total of the active grid holding it;
- address: the building's address;
- use: the building's surveyed use (``SurveyedUse``); a use that is no
  dwelling takes an *estimated* count to 0, as the OSM import does
  (``spatial.osm_households``: a counted or tagged count stays);
- changed component (部件): its position (and name, when given);
- new component: a ``Component`` with the next free code of its class in
  the district (6-digit county + 4-digit class + 6-digit serial).

Component corrections carry a photo (cleaned by the one upload policy,
:func:`gridmgmt.events.photos.photo_clean`) and the position taken on the
phone, or else the photo's own GPS position. Positions are WGS84 (EPSG:4326).
"""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.accounts.models import Role
from gridmgmt.areas.models import Building, HouseholdsSource
from gridmgmt.events.models import ClassKind, Component, SmallClass
from gridmgmt.events.photos import photo_clean
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.gis.audit import change_record
from gridmgmt.gis.models import (COMPONENT_KINDS, DWELLING_USES, BaseDataCorrection, BuildingUse, CorrectionKind,
                                 CorrectionStatus, SurveyedUse)
from gridmgmt.grids.models import Grid
from gridmgmt.web.roles import roles_of

# A building above this many households is a typing error, not a count.
MAX_HOUSEHOLDS = 5000
# The serial part of a component code (部件编码): its last 6 digits.
COMPONENT_SERIAL_DIGITS = 6


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


def _building(grid: Grid, building_id: int | None) -> Building:
    building = Building.objects.filter(pk=building_id).first() if building_id else None
    if building is None:
        raise CorrectionError(_("Choose the building."))
    _in_grid(grid, building.location, _("building"))
    return building


def _photo_and_position(correction: BaseDataCorrection, grid: Grid, photo, location) -> None:
    """The component's photo (cleaned) and position: the phone's, else the photo's GPS; in the grid."""
    if photo is None:
        raise CorrectionError(_("A component correction needs a photo."))
    try:
        cleaned = photo_clean(photo, field="photo")
    except ValidationError as exc:
        raise CorrectionError("; ".join(exc.messages)) from None
    if location is None and cleaned.gps_lng_lat is not None:
        location = Point(*cleaned.gps_lng_lat, srid=STORAGE_SRID)
    if location is None:
        raise CorrectionError(_("Give the component's position: use the phone's position or type it."))
    _in_grid(grid, location, _("position"))
    correction.location = location
    correction.photo.save(cleaned.content.name, cleaned.content, save=False)


@transaction.atomic
def correction_propose(*, user, kind: str, building_id: int | None = None, households: int | None = None,
                       address: str = "", use: str = "", component_code: str = "", small_class_code: str = "",
                       component_name: str = "", location=None, photo=None, note: str = "") -> BaseDataCorrection:
    """Store a pending correction of the worker's own grid.

    By ``kind``: ``households`` (0–5000), ``address`` or ``use`` (a
    ``BuildingUse`` value) of building ``building_id``; ``component``: the
    component ``component_code`` at ``location`` (and renamed
    ``component_name`` when given); ``component_new``: a component of class
    ``small_class_code`` named ``component_name`` at ``location``. Component
    kinds need a ``photo``; ``location`` is a GEOS Point (WGS84), else the
    photo's GPS position. Raises ``CorrectionError`` naming the problem;
    nothing is stored then.
    """
    grid = worker_grid(user)
    correction = BaseDataCorrection(kind=kind, proposed_by=user, note=note.strip()[:500], grid_code=grid.code,
                                    community_code=grid.community.code, street_code=grid.community.street.code)
    if kind == CorrectionKind.HOUSEHOLDS:
        correction.building = _building(grid, building_id)
        if households is None or not 0 <= households <= MAX_HOUSEHOLDS:
            raise CorrectionError(_("Households must be a whole number from 0 to %(max)s.") % {"max": MAX_HOUSEHOLDS})
        correction.households = households
    elif kind == CorrectionKind.ADDRESS:
        correction.building = _building(grid, building_id)
        if not address.strip():
            raise CorrectionError(_("Write the address."))
        correction.address = address.strip()[:255]
    elif kind == CorrectionKind.USE:
        correction.building = _building(grid, building_id)
        if use not in BuildingUse.values:
            raise CorrectionError(_("Choose the building's use."))
        correction.use = use
    elif kind == CorrectionKind.COMPONENT:
        component = Component.objects.filter(code=component_code).first()
        if component is None:
            raise CorrectionError(_("No component with code %(code)s.") % {"code": component_code or "–"})
        correction.component, correction.component_name = component, component_name.strip()[:128]
        _photo_and_position(correction, grid, photo, location)
    elif kind == CorrectionKind.COMPONENT_NEW:
        small_class = component_classes().filter(code=small_class_code).first()
        if small_class is None:
            raise CorrectionError(_("Choose the kind of component."))
        correction.small_class, correction.component_name = small_class, component_name.strip()[:128]
        _photo_and_position(correction, grid, photo, location)
    else:
        raise CorrectionError(_("Unknown kind of correction %(kind)s.") % {"kind": kind})
    correction.full_clean()
    correction.save()
    return correction


def component_classes():
    """The active small classes of components (部件) a worker may report a new one of."""
    return SmallClass.objects.filter(big_class__kind=ClassKind.COMPONENT, active=True).order_by("code")


def corrections_decidable(user):
    """The pending corrections ``user`` may decide: all for the GIS editor, a supervisor's community's counts."""
    roles = roles_of(user)
    pending = BaseDataCorrection.objects.filter(status=CorrectionStatus.PENDING).select_related(
        "building__surveyed_use", "component", "small_class", "proposed_by")
    if Role.GIS_EDITOR in roles:
        return pending
    if Role.COMMUNITY_SUPERVISOR in roles:
        return pending.filter(scope_of(user).q(), kind=CorrectionKind.HOUSEHOLDS)
    return pending.filter(Q(pk__in=[]))


def _set_households(building: Building, households: int) -> None:
    """The building's households, and the same change in the active grid that holds it.

    Grids are built on these counts; ``grid_report`` checks that a grid's
    stored total is the sum of its buildings' (grids place a building by its point).
    """
    delta = households - building.households
    building.households = households
    building.save(update_fields=["households", "households_source"])
    grid = Grid.objects.active().filter(polygon__covers=building.location).order_by("code").first()
    if grid is not None and delta:
        Grid.objects.filter(pk=grid.pk).update(households=F("households") + delta)


def _households_state(building: Building) -> dict:
    return {"households": building.households, "households_source": building.households_source}


def _apply_use(correction: BaseDataCorrection, building: Building) -> tuple[dict, dict]:
    old = SurveyedUse.objects.filter(building=building).values_list("use", flat=True).first()
    before = {"use": old, **_households_state(building)}
    SurveyedUse.objects.update_or_create(building=building, defaults={"use": correction.use,
                                                                      "correction": correction})
    if correction.use not in DWELLING_USES and building.households_source == HouseholdsSource.ESTIMATE:
        _set_households(building, 0)
    return before, {"use": correction.use, **_households_state(building)}


def _new_component_code(*, district_code: str, small_class: SmallClass) -> str:
    """The next unused code of ``small_class`` in the district; the class row is locked while choosing."""
    SmallClass.objects.select_for_update().filter(pk=small_class.pk).first()
    prefix = district_code + small_class.code
    last = (Component.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True)
            .first())
    serial = int(last[len(prefix):]) + 1 if last else 1
    if serial >= 10 ** COMPONENT_SERIAL_DIGITS:
        raise CorrectionError(_("No free component code of class %(code)s is left.") % {"code": small_class.code})
    return f"{prefix}{serial:0{COMPONENT_SERIAL_DIGITS}d}"


def _component_state(component: Component) -> dict:
    return {"location": component.location, "name": component.name, "class": component.small_class.code}


def _apply_component(correction: BaseDataCorrection) -> tuple[str, dict, dict]:
    if correction.kind == CorrectionKind.COMPONENT_NEW:
        component = Component(code=_new_component_code(district_code=correction.street_code[:6],
                                                       small_class=correction.small_class),
                              small_class=correction.small_class, name=correction.component_name,
                              location=correction.location)
        before = None  # it did not exist
    else:
        component = Component.objects.select_for_update().select_related("small_class").get(
            pk=correction.component_id)
        before = _component_state(component)
        component.location = correction.location
        component.name = correction.component_name or component.name
    try:
        component.full_clean()
    except ValidationError as exc:
        raise CorrectionError("; ".join(exc.messages)) from None
    component.save()
    correction.component = component
    key = f"component {component.code}"
    return "component", {key: before}, {key: _component_state(component)}


def _apply(correction: BaseDataCorrection) -> tuple[str, dict, dict]:
    """Change the base data; returns (audit kind, before, after)."""
    if correction.kind in COMPONENT_KINDS:
        return _apply_component(correction)
    building = Building.objects.select_for_update().get(pk=correction.building_id)
    key = f"building {building.pk}"
    if correction.kind == CorrectionKind.ADDRESS:
        before, building.address = {key: {"address": building.address}}, correction.address
        building.save(update_fields=["address"])
        return "building", before, {key: {"address": building.address}}
    if correction.kind == CorrectionKind.USE:
        before, after = _apply_use(correction, building)
        return "building", {key: before}, {key: after}
    before = _households_state(building)
    building.households_source = HouseholdsSource.COUNT
    _set_households(building, correction.households)
    return "building", {key: before}, {key: _households_state(building)}


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
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "component"])
    return correction
