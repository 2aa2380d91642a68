"""Which page is home for which role, and the guard of role-only pages.

One table serves the landing redirect and the navigation in base.html, so
the two never disagree. Order = priority when a user holds several roles:
the first one found decides the landing page. Further links (the dashboard
with its water and environment views, KPIs, coverage and traffic, monthly
reports for the centres and supervisors; the patrol recorder for grid
workers) follow the home links.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import assignments_of

# (role, path of its home page, navigation label)
ROLE_HOMES = [
    (Role.GRID_WORKER, "/worker/", _("My grid")),
    (Role.CALL_TAKER, "/console/", _("Supervision console")),
    (Role.SHIFT_LEADER, "/console/", _("Supervision console")),
    (Role.DISPATCHER, "/console/", _("Dispatch console")),
    (Role.COMMUNITY_SUPERVISOR, "/console/", _("Supervision console")),
    (Role.STREET_SUPERVISOR, "/console/", _("Supervision console")),
    (Role.DEPARTMENT_HEAD, "/department/", _("Department queue")),
    (Role.DEPARTMENT_HANDLER, "/department/", _("Department queue")),
    (Role.DISTRICT_LEADER, "/dashboard/", _("Dashboard")),
    (Role.GIS_EDITOR, "/gis/", _("GIS editor")),
    (Role.ADMIN, "/admin/", _("Administration")),
]

_CENTRE_AND_SUPERVISORS = (Role.CALL_TAKER, Role.SHIFT_LEADER, Role.DISPATCHER, Role.COMMUNITY_SUPERVISOR,
                           Role.STREET_SUPERVISOR, Role.DISTRICT_LEADER)
# (role, path, navigation label) of pages besides the home page.
ROLE_EXTRAS = [(role, "/intake/", _("Hotline intake")) for role in (Role.CALL_TAKER, Role.SHIFT_LEADER)] + [
    (role, "/console/kpis/", _("KPIs")) for role in _CENTRE_AND_SUPERVISORS] + [
    (role, "/dashboard/", _("Dashboard")) for role in _CENTRE_AND_SUPERVISORS] + [
    (role, "/duties/", _("Coverage and traffic")) for role in _CENTRE_AND_SUPERVISORS] + [
    (role, "/duties/reports/", _("Monthly reports")) for role in _CENTRE_AND_SUPERVISORS] + [
    (Role.GRID_WORKER, "/water/patrol/", _("Patrol")),
    (Role.GIS_EDITOR, "/gis/corrections/", _("Corrections from the field")),
    (Role.COMMUNITY_SUPERVISOR, "/gis/corrections/", _("Corrections from the field")),
    (Role.GRID_WORKER, "/gis/field/", _("Correct the base data"))]


# Short role names for the header; the model's labels are bilingual on purpose (admin), these follow the language.
ROLE_LABELS = {
    Role.GRID_WORKER: _("Grid worker"),
    Role.COMMUNITY_SUPERVISOR: _("Community supervisor"),
    Role.STREET_SUPERVISOR: _("Street supervisor"),
    Role.CALL_TAKER: _("Call-taker"),
    Role.SHIFT_LEADER: _("Shift leader"),
    Role.DISPATCHER: _("Dispatcher"),
    Role.DEPARTMENT_HANDLER: _("Department handler"),
    Role.DEPARTMENT_HEAD: _("Department head"),
    Role.DISTRICT_LEADER: _("District leader"),
    Role.GIS_EDITOR: _("GIS editor"),
    Role.ADMIN: _("Administrator"),
}


def roles_of(user) -> set[str]:
    return {a.role for a in assignments_of(user)}


def navigation_for(user) -> list[tuple[str, str]]:
    """(path, label) links for the roles the user holds, each path once, in ROLE_HOMES order."""
    held, links, seen = roles_of(user), [], set()
    for role, path, label in ROLE_HOMES + ROLE_EXTRAS:
        if role in held and path not in seen:
            seen.add(path)
            links.append((path, label))
    return links


def home_for(user) -> str | None:
    links = navigation_for(user)
    if links:
        return links[0][0]
    return "/admin/" if user.is_superuser else None


def role_required(*roles: str):
    """Page decorator: anonymous → sign-in; signed in without one of ``roles`` → 403 naming the roles."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles_of(request.user) & set(roles):
                # Said on the 403 page (frontend/templates/403.html), in the reader's language.
                raise PermissionDenied(_("This page is for: %(roles)s.") % {
                    "roles": ", ".join(str(ROLE_LABELS[r]) for r in Role.values if r in roles)})
            return view(request, *args, **kwargs)

        return guarded

    return decorate
