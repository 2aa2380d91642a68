"""The areas a user may see on the maps: the area part of their jurisdiction.

Map layers count cases and reports per grid, so a layer is readable only by
roles that see by *area* (grid worker, community and street supervisors) or
the whole district (the centres and the leader). Department staff see cases
by department, not by area: a grid count would leak other departments'
cases, so their area scope is empty (their page is the department queue).
The rule itself lives in :mod:`gridmgmt.accounts.jurisdiction`.
"""

from gridmgmt.accounts.jurisdiction import Scope as AreaScope
from gridmgmt.accounts.jurisdiction import scope_of

__all__ = ["AreaScope", "area_scope_of"]


def area_scope_of(user) -> AreaScope:
    """:attr:`Scope.area <gridmgmt.accounts.jurisdiction.Scope.area>` of the user's jurisdiction."""
    return scope_of(user).area
