"""Jurisdiction (管辖范围): who may read which reports, cases and photos — decided here only.

Every read path (REST lists and details, duplicate suggestions, map layers,
KPIs and their CSV, merges, pages, photo downloads) asks this module for the
caller's :class:`Scope` and filters with it. The rules:

* grid worker (网格员): records in their grid(s), plus the reports they made;
* community / street supervisor: records in their community / street;
* department handler / head: records routed or dispatched to their department;
* call-taker, shift leader, dispatcher, district leader, admin role, superuser: the district;
* an integration API key (``X-Api-Key``): the reports it submitted, nothing else;
* anonymous callers and users without a role (e.g. GIS editor): nothing.

It fails closed: the empty ``Scope()`` matches nothing, and there is no
"no user means everything" branch. Records are matched on the area codes
stored at receipt (``grid_code``, ``community_code``, ``street_code``) and on
``department_id``, which both :class:`~gridmgmt.events.models.Event` and
:class:`~gridmgmt.cases.models.Case` carry.

Typical use::

    scope = scope_for_request(request)          # DRF or Django request
    events = scope.events(event_list(...))      # or scope.cases(...), scope.photos(...)
    if not scope.covers(case): raise Http404    # one record already loaded
    layer = scope.area.sql(grid="c.grid_code", community="c.community_code", street="c.street_code")
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from django.db.models import Q

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import assignments_of

# Centre and leadership roles see the whole district (the supervision and
# command centres work district-wide; the district leader reads all).
DISTRICT_WIDE_ROLES = frozenset({Role.CALL_TAKER, Role.SHIFT_LEADER, Role.DISPATCHER, Role.DISTRICT_LEADER,
                                 Role.ADMIN})
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_HEAD})


@dataclass(frozen=True)
class Scope:
    """What one caller may read. The default ``Scope()`` is empty: it matches nothing.

    Fields
    ------
    district
        Everything in the district.
    grid_codes, community_codes, street_codes
        Area codes (CJ/T 213 / GB/T 2260 codes as stored on the records).
    department_ids
        Primary keys of :class:`~gridmgmt.areas.models.Department`.
    reporter_id
        A user's own reports (events only), wherever they lie.
    api_key_id
        An integration key's own reports (events only).
    """

    district: bool = False
    grid_codes: frozenset[str] = field(default_factory=frozenset)
    community_codes: frozenset[str] = field(default_factory=frozenset)
    street_codes: frozenset[str] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    reporter_id: int | None = None
    api_key_id: int | None = None

    # --- what the scope is -------------------------------------------------

    @property
    def empty(self) -> bool:
        """True when the scope matches nothing at all."""
        return not (self.district or self.grid_codes or self.community_codes or self.street_codes
                    or self.department_ids or self.reporter_id or self.api_key_id)

    @property
    def area(self) -> Scope:
        """Only the area part (district, grids, communities, streets): what map layers may count.

        Department staff see cases by department, not by area: a count per
        grid would leak other departments' cases, so their area is empty.
        """
        return Scope(district=self.district, grid_codes=self.grid_codes, community_codes=self.community_codes,
                      street_codes=self.street_codes)

    # --- filters -----------------------------------------------------------

    def q(self, *, own_reports: bool = False) -> Q:
        """A filter on a model with ``grid_code``, ``community_code``, ``street_code`` and ``department``.

        ``own_reports`` adds the reporter's / key's own records (``reporter_id``,
        ``api_key_id`` columns: events). An empty scope gives ``Q(pk__in=[])``.
        """
        if self.district:
            return Q()
        q = Q(pk__in=[])
        if self.grid_codes:
            q |= Q(grid_code__in=sorted(self.grid_codes))
        if self.community_codes:
            q |= Q(community_code__in=sorted(self.community_codes))
        if self.street_codes:
            q |= Q(street_code__in=sorted(self.street_codes))
        if self.department_ids:
            q |= Q(department_id__in=sorted(self.department_ids))
        if own_reports and self.reporter_id:
            q |= Q(reporter_id=self.reporter_id)
        if own_reports and self.api_key_id:
            q |= Q(api_key_id=self.api_key_id)
        return q

    def events(self, queryset=None):
        """``queryset`` of :class:`~gridmgmt.events.models.Event` (default: all) limited to the scope."""
        if queryset is None:
            from gridmgmt.events.models import Event
            queryset = Event.objects.all()
        return queryset.filter(self.q(own_reports=True))

    def cases(self, queryset=None):
        """``queryset`` of :class:`~gridmgmt.cases.models.Case` (default: all) limited to the scope.

        An API key reads no cases (it reads only the reports it submitted).
        """
        if queryset is None:
            from gridmgmt.cases.models import Case
            queryset = Case.objects.all()
        return queryset.filter(self.q())

    def event_photos(self, queryset=None):
        """:class:`~gridmgmt.events.models.EventPhoto` rows whose report is in the scope."""
        from gridmgmt.events.models import EventPhoto
        return (EventPhoto.objects.all() if queryset is None else queryset).filter(
            event__in=self.events().values("pk"))

    def case_attachments(self, queryset=None):
        """:class:`~gridmgmt.cases.models.CaseAttachment` rows (feedback, verification photos) of cases in scope."""
        from gridmgmt.cases.models import CaseAttachment
        return (CaseAttachment.objects.all() if queryset is None else queryset).filter(
            history__case__in=self.cases().values("pk"))

    def covers(self, record=None, *, grid_code: str = "", community_code: str = "", street_code: str = "") -> bool:
        """Whether one loaded event or case (or a place given by its codes) lies in the scope, as :meth:`q` says."""
        if self.district:
            return True
        if record is None:
            record = SimpleNamespace(grid_code=grid_code, community_code=community_code, street_code=street_code,
                                     department_id=None)
        return (record.grid_code in self.grid_codes or record.community_code in self.community_codes
                or record.street_code in self.street_codes
                or getattr(record, "department_id", None) in self.department_ids
                or (self.reporter_id is not None and getattr(record, "reporter_id", None) == self.reporter_id)
                or (self.api_key_id is not None and getattr(record, "api_key_id", None) == self.api_key_id))

    def sql(self, *, grid: str, community: str, street: str, department: str | None = None) -> list[tuple[str, list]]:
        """``where`` clauses for :func:`gridmgmt.geojson_sql.feature_collection` on the named columns.

        ``department`` names the department id column; without it the
        department part of the scope is ignored (use :attr:`area` to say so).
        An empty scope gives ``FALSE``.
        """
        if self.district:
            return []
        parts = [f"{grid} = ANY(%s)", f"{community} = ANY(%s)", f"{street} = ANY(%s)"]
        params = [sorted(self.grid_codes), sorted(self.community_codes), sorted(self.street_codes)]
        if department:
            parts.append(f"{department} = ANY(%s)")
            params.append(sorted(self.department_ids))
        return [(f"({' OR '.join(parts)})", params)]


NOTHING = Scope()
DISTRICT = Scope(district=True)


def scope_of_assignment(assignment) -> Scope:
    """The scope one :class:`~gridmgmt.accounts.models.RoleAssignment` grants."""
    role = assignment.role
    if role in DISTRICT_WIDE_ROLES:
        return DISTRICT
    if role == Role.GRID_WORKER:
        return Scope(grid_codes=frozenset({assignment.grid_code}))
    if role == Role.COMMUNITY_SUPERVISOR:
        return Scope(community_codes=frozenset({assignment.community.code}))
    if role == Role.STREET_SUPERVISOR:
        return Scope(street_codes=frozenset({assignment.street.code}))
    if role in DEPARTMENT_ROLES:
        return Scope(department_ids=frozenset({assignment.department_id}))
    return NOTHING  # GIS editor and any future role: nothing until a rule says otherwise


def scope_of(user) -> Scope:
    """The union of the scopes of ``user``'s roles; anonymous or ``None`` → :data:`NOTHING`.

    A superuser sees the district. A grid worker also reads their own reports.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return DISTRICT
    cached = getattr(user, "_jurisdiction_scope", None)
    if cached is not None:
        return cached
    scope = NOTHING
    for assignment in assignments_of(user):
        scope = union(scope, scope_of_assignment(assignment))
    if any(a.role == Role.GRID_WORKER for a in assignments_of(user)):
        scope = replace(scope, reporter_id=user.pk)
    user._jurisdiction_scope = scope
    return scope


def scope_of_api_key(api_key) -> Scope:
    """An integration key reads only the reports it submitted; ``None`` or a revoked key → nothing."""
    if api_key is None or api_key.revoked_at is not None:
        return NOTHING
    return Scope(api_key_id=api_key.pk)


def scope_for_request(request) -> Scope:
    """The caller's scope: the API key of a DRF request (``request.auth``), else the signed-in user."""
    from gridmgmt.events.models import ApiKey

    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiKey):
        return scope_of_api_key(auth)
    return scope_of(getattr(request, "user", None))


def union(a: Scope, b: Scope) -> Scope:
    if a.district or b.district:
        return DISTRICT
    return Scope(grid_codes=a.grid_codes | b.grid_codes, community_codes=a.community_codes | b.community_codes,
                 street_codes=a.street_codes | b.street_codes, department_ids=a.department_ids | b.department_ids,
                 reporter_id=a.reporter_id or b.reporter_id, api_key_id=a.api_key_id or b.api_key_id)


def roles_over(user, record) -> set[str]:
    """The user's roles whose scope covers ``record`` (a case or an event): what a write may act as."""
    return {a.role for a in assignments_of(user) if scope_of_assignment(a).covers(record)}
