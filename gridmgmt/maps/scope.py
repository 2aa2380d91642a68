"""The areas a user may see on the maps, as one object for SQL layers and ORM filters.

Map layers count cases and reports per grid, so a layer is readable only by
roles that see by *area* (grid worker, community and street supervisors) or
the whole district (the centres and the leader). Department staff see cases
by department, not by area: a grid count would leak other departments'
cases, so they get an empty scope (their page is the department queue).
"""

from dataclasses import dataclass

from django.db.models import Q

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import DISTRICT_WIDE_ROLES, assignments_of


@dataclass(frozen=True)
class AreaScope:
    district: bool = False
    grid_codes: tuple[str, ...] = ()
    community_codes: tuple[str, ...] = ()
    street_codes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.district or self.grid_codes or self.community_codes or self.street_codes)

    def q(self) -> Q:
        """Filter on a model with ``grid_code``, ``community_code`` and ``street_code`` (cases, events)."""
        if self.district:
            return Q()
        return (Q(grid_code__in=self.grid_codes) | Q(community_code__in=self.community_codes)
                | Q(street_code__in=self.street_codes))

    def sql(self, *, grid: str, community: str, street: str) -> list[tuple[str, list]]:
        """``where`` clauses for :func:`gridmgmt.geojson_sql.feature_collection` on the given code columns."""
        if self.district:
            return []
        return [(f"({grid} = ANY(%s) OR {community} = ANY(%s) OR {street} = ANY(%s))",
                 [list(self.grid_codes), list(self.community_codes), list(self.street_codes)])]

    def covers(self, *, grid_code: str, community_code: str, street_code: str) -> bool:
        return (self.district or grid_code in self.grid_codes or community_code in self.community_codes
                or street_code in self.street_codes)


def area_scope_of(user) -> AreaScope:
    if user.is_authenticated and user.is_superuser:
        return AreaScope(district=True)
    grids, communities, streets = [], [], []
    for a in assignments_of(user):
        if a.role in DISTRICT_WIDE_ROLES:
            return AreaScope(district=True)
        if a.role == Role.GRID_WORKER:
            grids.append(a.grid_code)
        elif a.role == Role.COMMUNITY_SUPERVISOR:
            communities.append(a.community.code)
        elif a.role == Role.STREET_SUPERVISOR:
            streets.append(a.street.code)
    return AreaScope(grid_codes=tuple(grids), community_codes=tuple(communities), street_codes=tuple(streets))
