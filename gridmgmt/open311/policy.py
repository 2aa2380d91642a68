"""What Open311 publishes to anyone: the publication policy (setting ``OPEN311_PUBLICATION``).

Open311 GET is a public window: no sign-in, no jurisdiction. So it shows
only what the policy publishes, and never internal work:

* only reports from the public channels (``channels``: by default the public
  app and the 12345 / 12319 lines), or reports a moderator cleared
  (``Event.moderated_at``); with ``moderated_only`` only the latter. Grid
  workers' reports, sensors and video patrols stay internal until moderated;
* never cancelled, invalid, rejected or merged reports;
* free text (description, address) either redacted — mobile and landline
  numbers, 15/18-digit resident id numbers and e-mail addresses replaced by
  ``[redacted]`` — (``text: "redacted"``, the default; a moderator's
  ``public_description`` is published as written), or only moderated text
  (``text: "moderated"``: unmoderated reports publish no text);
* coordinates rounded to ``coordinate_decimals`` (3 ≈ 110 m);
* photos only once the report is moderated;
* only reports received in the last ``window_days`` days, also when asked by
  id, and at most ``max_ids`` ids per request (more is a 400), at most
  ``max_requests`` requests per list.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gridmgmt.events.models import Event

NEVER_PUBLISHED = ("cancelled", "invalid", "rejected", "merged")
REDACTED = "[redacted]"
# Order matters: an 18-digit id number must go before the 11-digit mobile pattern can bite into it.
_PRIVATE = re.compile("|".join([
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",                       # e-mail
    r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])",          # resident id number (18 digits, GB 11643)
    r"(?<!\d)\d{15}(?!\d)",                                 # old 15-digit id number
    r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)",  # mobile number
    r"(?<!\d)(?:\(?0\d{2,3}\)?[\s-]?)?\d{7,8}(?!\d)",      # landline, with or without area code
]))


def policy() -> dict:
    """The ``OPEN311_PUBLICATION`` setting (keys: see the module docstring and README)."""
    return settings.OPEN311_PUBLICATION


def redact(text: str) -> str:
    """``text`` with phone numbers, id numbers and e-mail addresses replaced by ``[redacted]``."""
    return _PRIVATE.sub(REDACTED, text or "")


def published_q(*, now=None) -> Q:
    """The filter of published reports on :class:`~gridmgmt.events.models.Event`."""
    p = policy()
    cleared = Q(moderated_at__isnull=False)
    if not p["moderated_only"]:
        cleared |= Q(channel__in=p["channels"])
    since = (now or timezone.now()) - timedelta(days=p["window_days"])
    return cleared & Q(received_at__gte=since) & ~Q(status__in=NEVER_PUBLISHED)


def published(events=None, *, now=None):
    """``events`` (default: all reports) limited to what the policy publishes."""
    return (Event.objects.all() if events is None else events).filter(published_q(now=now))


def is_published(event: Event, *, now=None) -> bool:
    return Event.objects.filter(published_q(now=now), pk=event.pk).exists()


def photo_published(event: Event) -> bool:
    """Whether the report's photos are public: published and moderated."""
    return event.moderated_at is not None and is_published(event)


def public_text(event: Event, text: str) -> str:
    """The publishable form of one of the report's free texts (description or address)."""
    if event.moderated_at is not None and event.public_description and text is event.description:
        return event.public_description
    if policy()["text"] == "moderated":
        return redact(text) if event.moderated_at is not None else ""
    return redact(text)


def public_point(event: Event) -> tuple[float, float]:
    """(lat, lng) rounded to the policy's decimals (WGS84)."""
    decimals = policy()["coordinate_decimals"]
    return round(event.location.y, decimals), round(event.location.x, decimals)
