"""Patrols (巡河): recording one from a phone's GPS track, and checking who patrolled enough.

Rules are data (:class:`PatrolRule`, per warning level). A patrol complies
when it lasts at least the rule's minutes and covers at least its
kilometres after GPS jumps are dropped (:mod:`gridmgmt.water.tracks`). A
water body is *missed* when no compliant patrol started within its rule's
period; it is *due soon* in the last day of it. The reminder warns like the
case deadlines: once per period before it is due and once when missed, in
each responsible person's notification inbox.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.gis.geos import LineString
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import has_control_characters
from gridmgmt.accounts.selectors import assignments_of, users_with_role
from gridmgmt.cases.models import NotificationKind
from gridmgmt.cases.notifications import local_time, notify
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.grids.models import Grid
from gridmgmt.water.field_times import field_time_range
from gridmgmt.water.models import Patrol, PatrolRule, WarningLevel, WaterBody
from gridmgmt.water.tracks import clean_track

DUE_SOON = timedelta(days=1)
# The source of the rule for bodies without warning (see PatrolRule); migration 0004 writes it too.
GUANGZHOU_2021 = ("《广州市河长湖长巡查河湖指导意见》, 广州市河长制办公室, 2021 (广州日报 2021-07-06): "
                  "无预警河湖, 村居级河长每旬巡查不少于1天次, 每次不少于10分钟、1公里")
# (warning level, every n days, min minutes, min km, source), as migrations 0003-0004 install them;
# an empty source: a local setting, not from a standard.
DEFAULT_RULES = [("none", 10, 10, 1.0, GUANGZHOU_2021), ("yellow", 5, 10, 1.0, ""), ("orange", 3, 10, 1.0, ""),
                 ("red", 1, 10, 1.0, "")]


def patrol_rules_ensure() -> None:
    """The default rules where a level has none (a flushed database, e.g. after transactional tests)."""
    for level, every_days, min_minutes, min_km, source in DEFAULT_RULES:
        PatrolRule.objects.get_or_create(warning_level=level, defaults={
            "every_days": every_days, "min_minutes": min_minutes, "min_km": min_km, "source": source})


def rule_for(level: str) -> PatrolRule:
    rule = PatrolRule.objects.filter(warning_level=level).first()
    if rule is None:
        raise ValidationError({"warning_level": f"no patrol rule for warning level {level!r}"})
    return rule


def grids_touching(body: WaterBody) -> list[str]:
    """Codes of the active grids the water body touches."""
    return list(Grid.objects.active().filter(polygon__intersects=body.geometry).order_by("code")
                .values_list("code", flat=True))


def patrol_client_id(raw) -> str:
    """The phone's id of a patrol, refused unless text of 1 to 64 characters without control characters
    (a NUL was a 500 in the lookup; a JSON object was stored as its Python text)."""
    if not isinstance(raw, str) or not 1 <= len(raw) <= 64 or has_control_characters(raw):
        raise ValidationError({"client_id": "client_id is required: text of at most 64 characters without "
                                            "control characters"})
    return raw


@transaction.atomic
def patrol_record(*, worker, fixes: list, client_id: str, water_body: WaterBody | None = None) -> Patrol:
    """Store a patrol of ``water_body`` (or of the worker's grid) from GPS fixes ``[[lng, lat, unix_s], ...]``.

    The worker must be the grid worker of a grid the body touches (or, with
    no body, of some grid). A resend with the same ``client_id`` returns the
    first patrol (the phone's offline queue may send twice). ValidationError
    names the problem; nothing is stored.
    """
    client_id = patrol_client_id(client_id)
    earlier = Patrol.objects.filter(worker=worker, client_id=client_id).first()
    if earlier is not None:
        return earlier
    own_grids = [a.grid_code for a in assignments_of(worker) if a.role == Role.GRID_WORKER]
    if not own_grids:
        raise ValidationError({"worker": "only a grid worker records patrols"})
    if water_body is not None:
        shared = [code for code in grids_touching(water_body) if code in own_grids]
        if not shared:
            raise ValidationError({"water_body": f"{water_body.code} touches none of your grids"})
        grid_code = shared[0]
    else:
        grid_code = own_grids[0]
    earliest, latest = field_time_range()
    try:  # every fix inside the field-time window: 1970 and year 2100 were stored and counted
        track = clean_track(fixes, time_range_s=(earliest.timestamp(), latest.timestamp()))
    except ValueError as exc:
        raise ValidationError({"fixes": str(exc)}) from None
    if len(track.fixes) < 2:
        raise ValidationError({"fixes": f"a track needs at least 2 plausible fixes, got {len(track.fixes)} "
                                        f"({track.dropped} dropped as GPS jumps)"})
    rule = rule_for(water_body.warning_level if water_body else WarningLevel.NONE)
    patrol = Patrol(
        worker=worker, water_body=water_body, grid_code=grid_code, client_id=client_id,
        started_at=datetime.fromtimestamp(track.fixes[0][2], UTC),
        ended_at=datetime.fromtimestamp(track.fixes[-1][2], UTC),
        track=LineString([(lng, lat) for lng, lat, _ in track.fixes], srid=STORAGE_SRID),
        length_m=round(track.length_m, 1), duration_s=track.duration_s, dropped_fixes=track.dropped,
        compliant=track.duration_s >= rule.min_minutes * 60 and track.length_m >= rule.min_km * 1000)
    patrol.full_clean(exclude=["worker", "water_body"])
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError:  # a concurrent resend won
        return Patrol.objects.get(worker=worker, client_id=client_id)
    return patrol


@dataclass(frozen=True)
class PatrolStatus:
    water_body: WaterBody
    rule: PatrolRule
    last_compliant: datetime | None
    due_at: datetime  # start of the period with no compliant patrol yet
    state: str  # "ok", "due_soon" or "missed"


def patrol_statuses(*, now: datetime | None = None, bodies=None) -> list[PatrolStatus]:
    """Each water body's patrol state at ``now``; a body never patrolled is missed."""
    now = now or timezone.now()
    rules = {r.warning_level: r for r in PatrolRule.objects.all()}
    bodies = (bodies if bodies is not None else WaterBody.objects.all()).annotate(
        last_compliant=Max("patrols__started_at", filter=Q(patrols__compliant=True)))
    statuses = []
    for body in bodies:
        rule = rules[body.warning_level]
        due_at = body.last_compliant + timedelta(days=rule.every_days) if body.last_compliant else now
        state = "missed" if due_at <= now else "due_soon" if due_at - now <= DUE_SOON else "ok"
        statuses.append(PatrolStatus(body, rule, body.last_compliant, due_at, state))
    return statuses


def patrols_check(*, now: datetime | None = None) -> dict[str, int]:
    """Warn the responsible people of bodies due soon or missed, once per period; returns counts."""
    now = now or timezone.now()
    counts = {"due_soon": 0, "missed": 0, "notified": 0}
    for status in patrol_statuses(now=now):
        if status.state == "ok":
            continue
        body, period_start = status.water_body, status.last_compliant or datetime.min.replace(tzinfo=UTC)
        counts[status.state] += 1
        stamp = "patrol_overdue_at" if status.state == "missed" else "patrol_warned_at"
        if getattr(body, stamp) is not None and getattr(body, stamp) > period_start:
            continue  # already warned in this period
        people = [c.user for c in body.chiefs.all() if c.user_id]
        for grid_code in grids_touching(body):
            people += list(users_with_role(Role.GRID_WORKER, grid_code=grid_code))
        name = body.name or body.code
        if status.state == "missed":
            kind, message = NotificationKind.OVERDUE, N_("Patrol missed: %(name)s (every %(days)s days)")
        else:
            kind, message = NotificationKind.DEADLINE_NEAR, N_("Patrol due by %(due)s: %(name)s")
        counts["notified"] += len(notify(users=people, kind=kind, case=None, message=message, params={
            "name": name, "days": status.rule.every_days, "due": local_time(status.due_at)}))
        WaterBody.objects.filter(pk=body.pk).update(**{stamp: now})
    return counts
