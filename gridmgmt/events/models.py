"""Events (事件) and component problems (部件问题) as reported, their catalogue and routing.

* :class:`BigClass` / :class:`SmallClass`: the CJ/T 214-style catalogue
  (2-digit big class + 2-digit small class = the 4-digit small-class code,
  also the Open311 ``service_code``).
* :class:`Component`: a facility in public space (部件) with its 16-digit code.
* :class:`Event`: one report as received, located in grid → community →
  street at the moment it arrived, and routed to a department.
* :class:`RoutingRule`: small class × area → department (FixMyStreet's
  bodies × categories); see :mod:`gridmgmt.events.routing` for precedence.
* :class:`ApiKey`: a revocable key per channel for integrations (Open311 POST).

Storage CRS is WGS84 (:data:`gridmgmt.geo.STORAGE_SRID`).
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass, SpGistIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models.functions import Upper
from django.utils import timezone

from gridmgmt.areas.area_codes import area_code_problem
from gridmgmt.areas.models import Community, Department, Street
from gridmgmt.cases.calendar import hours_per_day_of, limit_in_hours, parse_periods
from gridmgmt.events.attributes import validate_attribute_definitions
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.grids.models import Grid
from gridmgmt.text_bigrams import Bigrams

two_digits = RegexValidator(r"^\d{2}$", "must be exactly 2 digits")
four_digits = RegexValidator(r"^\d{4}$", "must be exactly 4 digits")
sixteen_digits = RegexValidator(r"^\d{16}$", "must be exactly 16 digits")


class ClassKind(models.TextChoices):
    EVENT = "event", "事件 event"
    COMPONENT = "component", "部件 component"


class TimeLimitUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", "working hours (工作时)"
    WORKING_DAYS = "working_days", "working days (工作日)"


class BigClass(models.Model):
    """A big class (大类) of events or components, e.g. 01 公用设施, 11 市容环境."""

    code = models.CharField(max_length=2, unique=True, validators=[two_digits])
    kind = models.CharField(max_length=16, choices=ClassKind.choices)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "big classes"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# The longest duplicate window a small class may have, in hours (a year): a window of millions of hours,
# an admin's typing, reaches past year 1 (Python's OverflowError, PostgreSQL's "timestamp out of range").
DUPLICATE_WINDOW_MAX_HOURS = 24 * 366


class SmallClass(models.Model):
    """A small class (小类): what can be reported, who handles it and how fast.

    ``code`` is the big-class code + 2 digits, unique across events and
    components. ``attributes`` are the extra fields a report of this class
    carries, as Open311 attribute definitions (see
    :mod:`gridmgmt.events.attributes`).
    """

    big_class = models.ForeignKey(BigClass, on_delete=models.PROTECT, related_name="small_classes")
    code = models.CharField(max_length=4, unique=True, validators=[four_digits])
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128, blank=True)
    description = models.TextField(blank=True)
    default_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="default_for_classes",
        help_text="Counts as the district-wide routing rule; null = only explicit rules route this class",
    )
    time_limit_value = models.PositiveIntegerField(help_text="处置时限, in time_limit_unit")
    time_limit_unit = models.CharField(max_length=16, choices=TimeLimitUnit.choices)
    opening_conditions = models.TextField(blank=True, help_text="立案条件")
    closing_conditions = models.TextField(blank=True, help_text="结案条件")
    attributes = models.JSONField(default=list, blank=True, help_text="Open311-style attribute definitions")
    duplicate_radius_m = models.PositiveIntegerField(
        default=50, help_text="Open reports of this class closer than this (metres) are likely duplicates"
    )
    duplicate_window_hours = models.PositiveIntegerField(
        default=72, help_text="... and received within this many hours"
    )
    keywords = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True, help_text="Inactive classes are not offered for new reports")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "small classes"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def kind(self) -> str:
        return self.big_class.kind

    @property
    def duplicate_window(self) -> int:
        """``duplicate_window_hours`` within :data:`DUPLICATE_WINDOW_MAX_HOURS` (a row stored before the check)."""
        return min(self.duplicate_window_hours, DUPLICATE_WINDOW_MAX_HOURS)

    def _check_time_limit(self) -> None:
        """From 1 up to ``CASE_MAX_TIME_LIMIT_WORKING_DAYS`` (hours counted against a working day of
        ``CASE_WORKING_PERIODS``): a limit of 0 makes every case overdue at dispatch, and a limit of
        thousands of days cannot be computed, so every dispatch of the class would fail."""
        if self.time_limit_unit not in TimeLimitUnit.values or self.time_limit_value is None:
            return  # the fields' own validation names them
        hours_per_day = hours_per_day_of(parse_periods(settings.CASE_WORKING_PERIODS))
        maximum = settings.CASE_MAX_TIME_LIMIT_WORKING_DAYS
        days = limit_in_hours(self.time_limit_value, self.time_limit_unit, hours_per_day) / hours_per_day
        if not 0 < days <= maximum:
            raise ValidationError({"time_limit_value": f"the time limit of {self.code} must be from 1 working hour to "
                                                       f"{maximum} working days ({maximum * hours_per_day:g} working "
                                                       f"hours), got {self.time_limit_value} {self.time_limit_unit}"})

    def clean(self):
        if self.big_class_id and self.code and not self.code.startswith(self.big_class.code):
            raise ValidationError({"code": f"code {self.code} must start with its big class code {self.big_class.code}"})
        self._check_time_limit()
        if self.duplicate_window_hours is not None and self.duplicate_window_hours > DUPLICATE_WINDOW_MAX_HOURS:
            raise ValidationError({"duplicate_window_hours": f"at most {DUPLICATE_WINDOW_MAX_HOURS} hours (a year), "
                                                             f"got {self.duplicate_window_hours}"})
        try:
            validate_attribute_definitions(self.attributes)
        except ValueError as exc:
            raise ValidationError({"attributes": str(exc)}) from None


class Component(models.Model):
    """A facility in public space (部件), e.g. a manhole cover, with its 16-digit code.

    Code: 6-digit county + 2-digit big class + 2-digit small class + 6-digit
    serial (3205080101000001 = a water-supply manhole cover).
    """

    code = models.CharField(max_length=16, unique=True, validators=[sixteen_digits])
    small_class = models.ForeignKey(SmallClass, on_delete=models.PROTECT, related_name="components")
    name = models.CharField(max_length=128, blank=True)
    location = models.PointField(srid=STORAGE_SRID, spatial_index=True)
    owner_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_components")
    manager_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_components")
    maintainer_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="maintained_components")
    status = models.CharField(max_length=32, default="in_use")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        if self.small_class_id and self.code:
            if self.small_class.kind != ClassKind.COMPONENT:
                raise ValidationError({"small_class": "a component needs a component (部件) class"})
            if self.code[6:10] != self.small_class.code:
                raise ValidationError({"code": f"digits 7-10 of {self.code} must be the class code {self.small_class.code}"})


class Channel(models.TextChoices):
    WORKER_APP = "worker_app", "grid worker app (网格员)"
    HOTLINE = "hotline", "12345 hotline"
    URBAN_LINE = "urban_line", "12319 urban-management line"
    PUBLIC_APP = "public_app", "public app"
    SENSOR = "sensor", "sensor"
    VIDEO = "video", "video patrol"
    API = "api", "other API integration"


class RoutingStatus(models.TextChoices):
    ROUTED = "routed", "routed"
    MANUAL = "manual", "needs manual routing"


# Fine statuses the cases service writes into Event.status that mean the
# report is finished (Open311 "closed"; no longer a duplicate candidate).
CLOSED_STATUSES = frozenset({"closed", "cancelled", "invalid", "rejected"})


class EventQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def needing_manual_routing(self):
        return self.filter(routing_status=RoutingStatus.MANUAL)


class Event(models.Model):
    """One report (事件/部件问题上报) as received, located and routed on receipt.

    ``grid``, ``community`` and ``street`` are where the point lay when the
    report arrived; their codes are also kept as text so later boundary or
    grid changes do not rewrite history. ``status`` is owned by the cases
    service after receipt.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                             help_text="Open311 token")
    # Indexes and constraints are chosen for intake speed: every index is
    # written for every report, and every foreign-key constraint costs a
    # trigger per row (about 5 µs, and parallel imports contend for the
    # shared lock it takes on the same catalogue row). Ids that only ever
    # hold NULL at receipt get partial indexes (nothing to write), and the
    # references to reference data carry no constraint: the intake writes
    # them from a join on the referenced row in the same statement, and the
    # class, areas, grids and departments are versioned or deactivated,
    # never deleted; the ORM still refuses such deletes (PROTECT) or clears
    # the reference (a deleted routing rule: SET_NULL).
    small_class = models.ForeignKey(SmallClass, on_delete=models.PROTECT, related_name="events",
                                    db_index=False,  # the (small_class, received_at) index serves it
                                    db_constraint=False)
    component = models.ForeignKey(Component, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="events", db_index=False)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=255, blank=True)
    attributes = models.JSONField(default=dict, blank=True,
                                  help_text="Values of the class' attributes, keyed by attribute code")
    # Keys a client sent that the class does not define (an Open311 client's
    # own reference, say): kept as texts, apart from the checked attributes.
    client_attributes = models.JSONField(default=dict, blank=True, db_default={},
                                         help_text="A client's own attribute keys, unchecked texts")
    # SP-GiST rather than GiST: for points it answers the same bbox queries
    # and costs half as much to write (measured: 2.5 against 5.2 µs a row).
    location = models.PointField(srid=STORAGE_SRID, spatial_index=False, help_text="WGS84")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                             db_index=False, db_constraint=False)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="events",
                                  db_index=False, db_constraint=False)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="events",
                               db_index=False, db_constraint=False)
    grid_code = models.CharField(max_length=15, blank=True)
    community_code = models.CharField(max_length=12)
    street_code = models.CharField(max_length=9)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="events", help_text="Routed department (责任单位)",
                                   db_constraint=False)
    routing_status = models.CharField(max_length=16, choices=RoutingStatus.choices)
    routing_rule = models.ForeignKey("RoutingRule", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", help_text="The rule that routed it; null = class default or manual",
                                     db_index=False, db_constraint=False)
    status = models.CharField(max_length=32, default="reported")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="reported_events", db_index=False)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    api_key = models.ForeignKey("ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                db_index=False)
    idempotency_key = models.CharField(
        max_length=64, null=True, blank=True,
        help_text="Client-generated; a retried report with the same key (per channel) is stored once")
    device_time = models.DateTimeField(null=True, blank=True, help_text="Clock of the reporting device")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Publication (Open311, see gridmgmt.open311.policy): set by a moderator,
    # never by intake, so the insert leaves them to their database defaults.
    moderated_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When a moderator cleared the report for publication")
    public_description = models.TextField(blank=True, db_default="",
                                          help_text="The moderated text published instead of the description")

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # The idempotency guarantee lives in the database: a concurrent
            # retry loses the INSERT race and reads the winner's row.
            models.UniqueConstraint(fields=["channel", "idempotency_key"], name="event_idempotency_unique"),
        ]
        indexes = [
            SpGistIndex(fields=["location"], name="event_location"),
            models.Index(fields=["small_class", "received_at"]),
            # The console finds a case by words of its reports' addresses (address__icontains: UPPER … LIKE).
            GinIndex(OpClass(Upper("address"), name="gin_trgm_ops"), name="event_address_trgm"),
            GinIndex(Bigrams("address"), name="event_address_bigrams"),  # 2-character words (gridmgmt.text_bigrams)
            # No index on status: lists ask for "not closed" (NOT IN), which an
            # index on a handful of values does not serve; received_at does.
            models.Index(fields=["routing_status"], name="event_manual_routing",
                         condition=models.Q(routing_status=RoutingStatus.MANUAL)),
            *[models.Index(fields=[name], name=f"event_{name}", condition=models.Q(**{f"{name}__isnull": False}))
              for name in ("component", "reporter", "api_key", "routing_rule")],
        ]

    def __str__(self) -> str:
        return f"event {self.pk} {self.small_class_id} {self.status}"


def _photo_path(instance, filename: str) -> str:
    day = timezone.now()
    return f"events/{day:%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.'):] if '.' in filename else ''}"


class EventPhoto(models.Model):
    """A photo of an event, stored re-encoded with only the EXIF orientation kept."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    # Indexed: the photo view finds the row (and so the reader's right to it) by the stored name.
    image = models.ImageField(upload_to=_photo_path, width_field="width", height_field="height", db_index=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=32)
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class AreaLevel(models.TextChoices):
    # Ordered from least to most specific; routing picks the most specific.
    DISTRICT = "district", "district (区)"
    STREET = "street", "street (街道)"
    COMMUNITY = "community", "community (社区)"
    GRID = "grid", "grid (网格)"


class RoutingRule(models.Model):
    """Reports of ``small_class`` inside the area ``area_code`` go to ``department``.

    Areas are named by code, not foreign key: a grid code survives a new grid
    generation, so rules need not be rewritten when grids are regenerated.
    """

    small_class = models.ForeignKey(SmallClass, on_delete=models.CASCADE, related_name="routing_rules")
    level = models.CharField(max_length=16, choices=AreaLevel.choices)
    area_code = models.CharField(max_length=15)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="routing_rules")
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["small_class__code", "level", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["small_class", "level", "area_code"], name="routing_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.small_class_id} @ {self.level} {self.area_code} → {self.department_id}"

    def clean(self):
        problem = area_code_problem(self.level, self.area_code) if self.level in AreaLevel.values else None
        if problem:
            raise ValidationError({"area_code": problem})


class ApiKey(models.Model):
    """A key issued to one integration channel; only its sha256 is stored."""

    name = models.CharField(max_length=128)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    prefix = models.CharField(max_length=8, help_text="First characters of the key, to recognise it")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    area_codes = ArrayField(
        models.CharField(max_length=12), default=list, blank=True,
        help_text="Street (9-digit) or community (12-digit) codes the key may report in; empty = the district")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.channel}, {self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
