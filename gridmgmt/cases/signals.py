"""Every new report becomes a case (step 1 of the loop) in the same transaction.

A receiver rather than a call in the events intake: events are received
through several channels (app, Open311, hotline import) and each must yield
exactly one case, whichever front door it came through.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from gridmgmt.cases.services import case_create_from_event
from gridmgmt.events.models import Event


@receiver(post_save, sender=Event, dispatch_uid="cases.event_to_case")
def event_to_case(sender, instance: Event, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        case_create_from_event(event=instance)
