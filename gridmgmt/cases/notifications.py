"""Notifications: the in-app inbox, and an e-mail copy through Django's mail backend.

Mail is sent after the transaction commits, so a refused action never mails.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from gridmgmt.cases.models import Case, Notification


def notify(*, users, kind: str, case: Case | None, message: str) -> list[Notification]:
    created = []
    for user in {u.pk: u for u in users}.values():
        note = Notification(user=user, kind=kind, case=case, message=message[:255])
        note.full_clean()
        note.save()
        created.append(note)
        if settings.CASE_NOTIFY_BY_EMAIL and user.email:
            transaction.on_commit(lambda u=user: send_mail(
                subject=f"[gridmgmt] {kind}", message=message,
                from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[u.email], fail_silently=True))
    return created


def notification_mark_read(*, user, notification_id: int) -> int:
    """Marks one of the user's own notifications read; 0 if it is not theirs."""
    return Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    """Marks all the user's unread notifications read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
