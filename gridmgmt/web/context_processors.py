"""Template context every page needs: the user's roles and navigation, and the map configuration."""

from django.conf import settings
from django.templatetags.static import static

from gridmgmt.accounts.models import Role
from gridmgmt.cases.working_calendar import YearGap, coming_year_uncovered
from gridmgmt.web.roles import ROLE_LABELS, navigation_for, roles_of


def map_config() -> dict:
    """What map.js needs to build a map; the Tianditu key is public by design (it is sent with every tile).

    ``markerIcons``: the URLs of Leaflet's default pin images as the static storage names them. Leaflet
    guesses their folder from ``leaflet.css``'s own URL, a guess that fails on collectstatic's
    content-hashed names (``make serve``): every pin was a broken image fetched from the page's folder.
    """
    return {"basemap": settings.GRIDMGMT_BASEMAP, "tiandituKey": settings.GRIDMGMT_TIANDITU_KEY,
            "center": settings.LEAFLET_CONFIG["DEFAULT_CENTER"], "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
            "markerIcons": {f"{option}Url": static(f"vendor/leaflet/images/{name}.png") for option, name in
                            (("icon", "marker-icon"), ("iconRetina", "marker-icon-2x"), ("shadow", "marker-shadow"))}}


def web(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "web_nav": _navigation(user, request.path) if signed_in else [],
        "web_role_labels": sorted(str(ROLE_LABELS[r]) for r in roles_of(user)) if signed_in else [],
        "web_map_config": map_config(),
        "web_calendar_gap": _calendar_gap(user) if signed_in else None,
    }


def _navigation(user, path: str) -> list[tuple[str, str, bool]]:
    """(path, label, current) of the user's links: current is the link whose path is the longest that starts the
    page's (/console/kpis/ is KPIs, not also the console; /duties/reports/ the reports, not also the duties)."""
    links = navigation_for(user)
    current = max((link for link, _ in links if path.startswith(link)), key=len, default=None)
    return [(link, label, link == current) for link, label in links]


def _calendar_gap(user) -> YearGap | None:
    """The coming year and what is missing of it, for admins, when the working calendar has no official
    holidays for it (frontend/templates/calendar_warning.html says it)."""
    if not (user.is_superuser or Role.ADMIN in roles_of(user)):
        return None
    return coming_year_uncovered()
