"""Who called: kept apart from the report so no report read (API, Open311, department pages) can show it."""

from django.conf import settings
from django.db import models

from gridmgmt.events.models import Event


class HotlineCall(models.Model):
    """The caller of a report taken by phone (12345 / 12319) or at the front desk; private to the centre."""

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="hotline_call")
    caller_phone = models.CharField(max_length=32)
    caller_name = models.CharField(max_length=64, blank=True)
    walk_in = models.BooleanField(default=False, help_text="came to the front desk instead of calling")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"call for report {self.event_id}"
