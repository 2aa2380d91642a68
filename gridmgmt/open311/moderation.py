"""Moderation: a person clears a report for the public Open311 window (see :mod:`gridmgmt.open311.policy`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gridmgmt.events.models import Event
from gridmgmt.open311.policy import redact


@transaction.atomic
def event_moderate(*, event_id: int, public_description: str | None = None) -> Event:
    """Clear report ``event_id`` for publication, with the text to publish.

    ``public_description`` defaults to the redacted description. Clearing
    publishes the report whatever its channel (cancelled ones stay hidden)
    and its photos. Raises ValidationError for an unknown report.
    """
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise ValidationError({"event": f"report {event_id} does not exist"})
    event.public_description = redact(event.description) if public_description is None else public_description
    event.moderated_at = timezone.now()
    event.save(update_fields=["public_description", "moderated_at", "updated_at"])
    return event


@transaction.atomic
def event_unpublish(*, event_id: int) -> int:
    """Withdraw a moderator's clearance; returns 1 if the report was cleared, else 0."""
    return Event.objects.filter(pk=event_id, moderated_at__isnull=False).update(moderated_at=None, public_description="")
