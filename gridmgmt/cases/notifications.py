"""Notifications: the in-app inbox, and an e-mail copy through Django's mail backend.

A notice is stored as an English template (a msgid) with its parameters, so
each reader sees it in their own language: pages and the API in the
request's language (:func:`notification_text`), e-mails in the recipient's
remembered language (:func:`gridmgmt.accounts.language.reader_language`).
Every time in a message is written by :func:`local_time` (``TIME_ZONE``,
Asia/Shanghai, never UTC). Mail is sent after the transaction commits, so a
refused action never mails.
"""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from gridmgmt.accounts.language import reader_language
from gridmgmt.cases.models import Case, Notification, NotificationKind

KIND_LABELS = {
    NotificationKind.NEW_TASK: _("New task"), NotificationKind.DEADLINE_NEAR: _("Deadline near"),
    NotificationKind.OVERDUE: _("Overdue"), NotificationKind.ESCALATED: _("Escalated (督办)"),
    NotificationKind.REWORK: _("Returned for rework"), NotificationKind.POSTPONEMENT: _("Postponement"),
    NotificationKind.GRID_CHANGED: _("Grid changed"),
}


def local_time(moment: datetime) -> str:
    """``2026-03-02 16:00`` in the configured zone: how every time shown to a person is written."""
    return f"{timezone.localtime(moment, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"


def _render(template: str, params: dict) -> str:
    text = gettext(template)
    return text % params if params else text


def notification_text(note: Notification) -> str:
    """The notice in the active language (the page's or the API request's); notices stored before
    templates existed, or whose stored parameters no longer fit the template's translation, keep the
    text written when they were sent."""
    if not note.template:
        return note.message
    try:
        return _render(note.template, note.params)
    except (KeyError, TypeError, ValueError):
        return note.message


def notify(*, users, kind: str, case: Case | None, message, params: dict | None = None) -> list[Notification]:
    """Notify each user once.

    ``message`` is an English msgid marked for translation (``gettext_noop`` or ``gettext_lazy``) with
    ``%(name)s`` placeholders; ``params`` are plain values (strings, numbers; times through
    :func:`local_time`), stored as JSON. Raises ``TypeError`` for a parameter JSON cannot hold.
    """
    with translation.override(None):
        template = str(message)  # the msgid itself, whatever the active language
    params = {key: value if isinstance(value, int | float) else str(value) for key, value in (params or {}).items()}
    created = []
    for user in {u.pk: u for u in users}.values():
        with translation.override(reader_language(user)):
            text = _render(template, params)
            subject = f"[gridmgmt] {KIND_LABELS.get(kind, kind)}"
        note = Notification(user=user, kind=kind, case=case, message=text[:255], template=template, params=params)
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
