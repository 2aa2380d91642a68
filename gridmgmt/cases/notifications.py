"""Notifications: the in-app inbox, and an e-mail copy through Django's mail backend.

Mail is sent after the transaction commits, so a refused action never mails.
Every time in a message is written by :func:`local_time` (``TIME_ZONE``,
Asia/Shanghai, never UTC) and the text in the reader's language.
"""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from gridmgmt.cases.models import Case, Notification, NotificationKind


def local_time(moment: datetime) -> str:
    """``2026-03-02 16:00`` in the configured zone: how every time shown to a person is written."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def reader_language(user) -> str:
    """The language a stored message is written in. Users carry no language preference (the pages
    follow the browser's); stored text uses the deployment's LANGUAGE_CODE (zh-hans)."""
    return getattr(user, "language", None) or settings.LANGUAGE_CODE


def notify(*, users, kind: str, case: Case | None, message, params: dict | None = None) -> list[Notification]:
    """Notify each user once; ``message`` may be a lazy translation with ``%(name)s`` ``params``,
    rendered in each reader's language."""
    created = []
    for user in {u.pk: u for u in users}.values():
        with translation.override(reader_language(user)):
            text = str(message) % params if params else str(message)
            subject = f"[gridmgmt] {NotificationKind(kind).label if kind in NotificationKind.values else kind}"
        note = Notification(user=user, kind=kind, case=case, message=text[:255])
        note.full_clean()
        note.save()
        created.append(note)
        if settings.CASE_NOTIFY_BY_EMAIL and user.email:
            transaction.on_commit(lambda u=user, t=text, s=subject: send_mail(
                subject=s, message=t, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[u.email],
                fail_silently=True))
    return created


def notification_mark_read(*, user, notification_id: int) -> int:
    """Marks one of the user's own notifications read; 0 if it is not theirs."""
    return Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    """Marks all the user's unread notifications read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
