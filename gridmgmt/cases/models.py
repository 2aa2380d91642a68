"""Cases (案卷): a report taken through the closed loop, with its time limit.

* :class:`Case`: one case and where it stands; ``version`` is the
  optimistic lock every write checks and bumps.
* :class:`CaseEvent`: the reports (events) a case was made from; merging
  moves several reports onto one case.
* :class:`CaseHistory` / :class:`CaseAttachment`: the append-only record of
  every transition (actor, time, note, photos).
* :class:`Postponement`: a department's request for more time (延期) and the
  supervisor's decision.
* :class:`Notification`: the in-app inbox.
* :class:`CalendarOverride`: local corrections to the official working calendar.

Area codes and the department are copied onto the case so that jurisdiction
filters and KPI aggregates run on one table with plain indexes.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex, OpClass, SpGistIndex
from django.db.models.functions import Upper
from django.utils import timezone

from gridmgmt.areas.models import Department
from gridmgmt.events.models import Event, SmallClass
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.grids.models import Grid
from gridmgmt.text_bigrams import Bigrams


class Status(models.TextChoices):
    REPORTED = "reported", "上报 reported"
    OPENED = "opened", "立案 opened"
    CANCELLED = "cancelled", "注销 cancelled"
    DISPATCHED = "dispatched", "派遣 dispatched"
    ACCEPTED = "accepted", "受理 accepted by the department"
    HANDLED = "handled", "已处置 handled, awaiting verification"
    REWORK = "rework", "返工 returned for rework"
    SUSPENDED = "suspended", "挂账 suspended"
    CLOSED = "closed", "结案 closed"
    MERGED = "merged", "合并 merged into another case"


class Case(models.Model):
    # As on Event: every index is written for every new case, so columns
    # that are NULL until dispatch get partial indexes, and the copies of the
    # report's class, grid and department carry no constraint (see Event).
    small_class = models.ForeignKey(SmallClass, on_delete=models.PROTECT, related_name="cases", db_index=False,
                                    db_constraint=False)
    number = models.CharField(
        max_length=20, unique=True, null=True, blank=True,
        help_text="The case number people see and search (year of receipt, local time, + sequence), "
                  "e.g. 2026-000123; set once when the case is made, never changed")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REPORTED)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every write")
    location = models.PointField(srid=STORAGE_SRID, help_text="WGS84, from the first report",
                                 spatial_index=False)  # SP-GiST below, as on Event
    description = models.TextField(blank=True)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                             db_index=False, db_constraint=False)
    grid_code = models.CharField(max_length=15, blank=True)
    community_code = models.CharField(max_length=12)
    street_code = models.CharField(max_length=9)
    suggested_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Routed department of the report; pre-fills dispatch", db_index=False, db_constraint=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", help_text="Department dispatched to",
                                   db_index=False)  # the partial (department, status) index serves it
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="handled_cases", db_index=False)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="verification_cases", help_text="Grid worker checking on site",
                                 db_index=False)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_cases", db_index=False)
    status_before_suspension = models.CharField(max_length=16, blank=True)
    received_at = models.DateTimeField(help_text="Earliest report of the case")
    opened_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, help_text="Fixed at dispatch; postponement extends it")
    suspended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rework_count = models.PositiveIntegerField(default=0)
    self_handled = models.BooleanField(
        default=False, db_default=False,
        help_text="即报即处: fixed on the spot by the reporting grid worker and closed at once")
    handling_working_hours = models.FloatField(
        null=True, blank=True, help_text="Working hours from dispatch to close, stored at close for KPIs")
    # Set once when the deadline job has notified; cleared when the deadline moves.
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["grid_code"]),
            models.Index(fields=["community_code"]),
            models.Index(fields=["street_code"]),
            models.Index(fields=["received_at"]),
            SpGistIndex(fields=["location"], name="case_location"),
            # Console search (gridmgmt.web.console_filters.search_q): words are found by
            # ``description__icontains``, which Django writes as UPPER(description) LIKE UPPER('%word%'),
            # so the trigram index is on that expression (Chinese has no spaces: substrings, not tokens).
            GinIndex(OpClass(Upper("description"), name="gin_trgm_ops"), name="case_description_trgm"),
            # Trigrams need 3 characters; 2-character words (垃圾, 路灯) by their bigrams (gridmgmt.text_bigrams).
            GinIndex(Bigrams("description"), name="case_description_bigrams"),
            models.Index(fields=["small_class"], name="case_small_class"),  # class filter and class-name search
            *[models.Index(fields=fields, name=f"case_{'_'.join(fields)}",
                           condition=models.Q(**{f"{fields[0]}__isnull": False}))
              for fields in (["department", "status"], ["deadline"], ["closed_at"], ["handler"], ["verifier"],
                             ["merged_into"])],
        ]

    def __str__(self) -> str:
        return f"case {self.number or self.pk} {self.status}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not self.number:  # made through the ORM (scripts, tests); intake sets it in SQL
            self.number = case_number(self.received_at, self.pk)
            Case.objects.filter(pk=self.pk).update(number=self.number)


def case_number(received_at, case_id: int) -> str:
    """Year of receipt in local time + the case id, at least 6 digits: 2026-000123.

    Mirrors ``CASE_NUMBER_SQL`` (the intake's insert) for cases made through the ORM.
    """
    return f"{timezone.localtime(received_at):%Y}-{case_id:06d}"


# The same number in SQL; $tz is the site time zone (settings.TIME_ZONE).
CASE_NUMBER_SQL = ("to_char({received} AT TIME ZONE {tz}, 'YYYY') || '-' || "
                   "CASE WHEN {id} < 1000000 THEN lpad({id}::text, 6, '0') ELSE {id}::text END")


class CaseEvent(models.Model):
    """A report (event) that is a source of a case; a report belongs to one case."""

    # The report is the key (a report belongs to one case): no surrogate id
    # and its index to write for every report.
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="case_source", primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")


class CaseHistory(models.Model):
    """One transition or action on a case; rows are never updated or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="history")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True, help_text="Blank for the report that made the case")
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", help_text="Null for the system (deadline job)",
                              db_index=False)
    role = models.CharField(max_length=32, blank=True, help_text="The role the actor acted in")
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="Action details, e.g. department, GPS point")

    class Meta:
        ordering = ["case_id", "at", "id"]
        verbose_name_plural = "case history"
        # Partial: imported hotline tickets have no actor, so their history rows write no entry.
        indexes = [models.Index(fields=["actor"], name="case_history_actor", condition=models.Q(actor__isnull=False))]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("case history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("case history is append-only")


class CaseAttachment(models.Model):
    """A photo or file given with one history entry (feedback photo, on-site verification photo)."""

    history = models.ForeignKey(CaseHistory, on_delete=models.PROTECT, related_name="attachments")
    file = models.ImageField(upload_to="cases/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)


class PostponementStatus(models.TextChoices):
    PENDING = "pending", "pending"
    APPROVED = "approved", "approved"
    REFUSED = "refused", "refused"


class Postponement(models.Model):
    """A department's request to extend a case's deadline (延期)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="postponements")
    value = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, help_text="working_hours | working_days")
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=PostponementStatus.choices, default=PostponementStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # One open request at a time: a second would race the first's decision.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                    name="postponement_one_pending"),
        ]


class NotificationKind(models.TextChoices):
    NEW_TASK = "new_task", "new task"
    DEADLINE_NEAR = "deadline_near", "deadline near"
    OVERDUE = "overdue", "overdue"
    ESCALATED = "escalated", "督办 escalated"
    REWORK = "rework", "returned for rework"
    POSTPONEMENT = "postponement", "postponement"
    GRID_CHANGED = "grid_changed", "grid changed"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # ``message`` is the text in the recipient's language when sent (e-mail, admin); ``template`` (an
    # English msgid) and ``params`` let each page or API reader see it in their own language.
    message = models.CharField(max_length=255)
    template = models.CharField(max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]


class CalendarOverride(models.Model):
    """A local correction to the official calendar: a day declared working or not."""

    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'working' if self.is_working_day else 'off'}"
