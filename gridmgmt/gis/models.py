"""The audit trail of geometry and base-data changes made by people (issue 13, point 5)."""

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import assignments_of


class ChangeKind(models.TextChoices):
    BOUNDARY = "boundary", _("Boundary")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")
    COMPONENT = "component", _("Component")


# How a change no signed-in user made names its command and system account (audit.command_via writes it,
# ChangeRecord.actor_label reads it back for the reader's language).
VIA_FORMAT = "manage.py {command}, run by {account}"
_VIA = re.compile(r"manage\.py (?P<command>\S+), run by (?P<account>.+)")

# What was done, in the reader's language (the history page); ``correction <kind>`` is read by action_label.
CHANGE_ACTIONS = {
    "edit": _("edited"), "import": _("imported"), "split": _("split"), "merge": _("merged"), "undo": _("undone"),
    "redraw": _("shared edge redrawn"), "regenerate": _("regenerated"),
}


class ChangeRecord(models.Model):
    """Who changed what, when, why, and the state before and after (GeoJSON geometries in WGS84).

    ``code`` is the area or grid code the change is filed under (an area's
    12- or 9-digit code, a community's code for a grid edit), so the history
    of one area or one grid is a filter on it. ``before``/``after`` are JSON
    objects: ``{"<code>": <GeoJSON geometry or attributes>}``.
    """

    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    action = models.CharField(max_length=32, help_text="edit, split, merge, undo, ...")
    code = models.CharField(max_length=15, db_index=True)
    codes = models.JSONField(default=list, help_text="Every area or grid code the change touched")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gis_changes",
                             null=True, blank=True)
    via = models.CharField(max_length=100, blank=True,
                           help_text="The command and the system account that made the change, when no "
                                     "signed-in user did (manage.py grid_activate, run by root)")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500)
    before = models.JSONField(default=dict, blank=True)  # {} where nothing was there (a first generation)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(user__isnull=False) | ~models.Q(via=""),
                                              name="change_record_names_who")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.kind} {self.code}" if self.at else \
            f"{self.actor} {self.action} {self.kind} {self.code}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language; a field correction names its kind (CorrectionKind)."""
        correction = self.action.removeprefix("correction ")
        if correction != self.action:
            return _("field correction: %(kind)s") % {"kind": dict(CorrectionKind.choices).get(correction, correction)}
        return str(CHANGE_ACTIONS.get(self.action, self.action))

    @property
    def actor_label(self) -> str:
        """``actor`` in the reader's language: a command's change names its command and account."""
        command = None if self.user_id else _VIA.fullmatch(self.via)
        return _("manage.py %(command)s, run by %(account)s") % command.groupdict() if command else self.actor

    @property
    def actor(self) -> str:
        """Who made the change: the user's name, or the command and its system account."""
        return self.user.get_username() if self.user_id else self.via


class CorrectionKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households of a building")
    ADDRESS = "address", _("Address of a building")
    USE = "use", _("Use of a building")
    COMPONENT = "component", _("Changed component, with a photo")
    COMPONENT_NEW = "component_new", _("New component, with a photo")


# Kinds that carry a photo and a position taken on the spot.
COMPONENT_KINDS = frozenset({CorrectionKind.COMPONENT, CorrectionKind.COMPONENT_NEW})


class BuildingUse(models.TextChoices):
    """What a building is used for, as surveyed in the field (四标四实: real houses).

    The one list of uses. It follows the split the OSM import makes
    (``spatial.osm_households``): a dwelling holds households, anything
    else holds none unless they were counted; mixed use (shops below,
    flats above) is a dwelling there too.
    """

    RESIDENTIAL = "residential", _("residential")
    COMMERCIAL = "commercial", _("commercial")
    OFFICE = "office", _("office")
    PUBLIC = "public", _("public")
    MIXED = "mixed", _("mixed (shops below, flats above)")
    OTHER = "other", _("other")


DWELLING_USES = frozenset({BuildingUse.RESIDENTIAL, BuildingUse.MIXED})


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("correction", "pending")
    ACCEPTED = "accepted", pgettext_lazy("correction", "accepted")
    REJECTED = "rejected", pgettext_lazy("correction", "rejected")


class BaseDataCorrection(models.Model):
    """A grid worker's correction of the base data (四标四实) proposed from the field, then decided.

    Carries the area codes of where it applies (``grid_code``,
    ``community_code``, ``street_code``) so the one jurisdiction rule
    (``gridmgmt.accounts.jurisdiction``) filters it like a report.
    """

    kind = models.CharField(max_length=16, choices=CorrectionKind.choices)
    status = models.CharField(max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING)
    building = models.ForeignKey("areas.Building", on_delete=models.PROTECT, null=True, blank=True)
    component = models.ForeignKey("events.Component", on_delete=models.PROTECT, null=True, blank=True)
    households = models.PositiveIntegerField(null=True, blank=True)
    address = models.CharField(max_length=255, blank=True)
    use = models.CharField(max_length=16, choices=BuildingUse.choices, blank=True)
    small_class = models.ForeignKey("events.SmallClass", on_delete=models.PROTECT, null=True, blank=True,
                                    help_text="The class (部件小类) of a new component")
    component_name = models.CharField(max_length=128, blank=True, help_text="A new component's name, or a new name")
    location = models.PointField(srid=4326, null=True, blank=True, help_text="Where the worker stood or the component is")
    photo = models.ImageField(upload_to="corrections/%Y/%m/", blank=True)
    note = models.CharField(max_length=500, blank=True)
    grid_code = models.CharField(max_length=15, db_index=True)
    community_code = models.CharField(max_length=12, db_index=True)
    street_code = models.CharField(max_length=9, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrections")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="corrections_decided")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} correction {self.pk} ({self.status})"

    def readable_by(self, user) -> bool:
        """Who may see the correction and its photo: its proposer, a GIS editor, or a reader whose area covers it."""
        if user is None or not user.is_authenticated:
            return False
        if self.proposed_by_id == user.pk or any(a.role == Role.GIS_EDITOR for a in assignments_of(user)):
            return True
        return scope_of(user).area.covers(self)


class SurveyedUse(models.Model):
    """A building's use as last accepted from the field (the building itself carries no use)."""

    building = models.OneToOneField("areas.Building", on_delete=models.CASCADE, primary_key=True,
                                    related_name="surveyed_use")
    use = models.CharField(max_length=16, choices=BuildingUse.choices)
    correction = models.ForeignKey(BaseDataCorrection, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"building {self.building_id}: {self.use}"
