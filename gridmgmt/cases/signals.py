"""Every new report becomes a case (step 1 of the loop) in the same transaction.

A receiver rather than a call in the events intake: events are received
through several channels (app, Open311, hotline import) and each must yield
exactly one case, whichever front door it came through. Bulk imports insert
in SQL (no post_save) and announce the set with ``events_bulk_created``.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from gridmgmt.cases.services import cases_create_from_events
from gridmgmt.events.models import Event
from gridmgmt.events.signals import events_bulk_created


@receiver(post_save, sender=Event, dispatch_uid="cases.event_to_case")
def event_to_case(sender, instance: Event, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        cases_create_from_events(event_ids=[instance.pk])


@receiver(events_bulk_created, dispatch_uid="cases.bulk_events_to_cases")
def bulk_events_to_cases(sender, event_ids: list[int], **kwargs):
    cases_create_from_events(event_ids=event_ids)
