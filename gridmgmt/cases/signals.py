"""Every new report becomes a case (step 1 of the loop) in the same transaction.

A receiver rather than a call in the events intake: events are received
through several channels (app, Open311, hotline import) and each must yield
exactly one case, whichever front door it came through. The intake service
and the bulk import insert in SQL and announce what they stored with
``events_created``; ``post_save`` covers a report saved through the ORM
(scripts, fixtures). Making a case twice is harmless: a report that has one
is skipped.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from gridmgmt.cases.services import cases_create_from_events
from gridmgmt.events.models import Event
from gridmgmt.events.signals import events_created


@receiver(post_save, sender=Event, dispatch_uid="cases.event_to_case")
def event_to_case(sender, instance: Event, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        cases_create_from_events(event_ids=[instance.pk])


@receiver(events_created, dispatch_uid="cases.events_to_cases")
def events_to_cases(sender, event_ids: list[int], **kwargs):
    cases_create_from_events(event_ids=event_ids)
