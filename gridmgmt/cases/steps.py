"""The common frame of every case step: lock, check the version, authorise, save, record.

``commit`` is the only place a case's version moves, so no write can skip
the optimistic lock or the history.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import wraps

from django.core.files import File
from django.db import OperationalError
from django.utils.translation import gettext as _

from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.accounts.jurisdiction import roles_over
from gridmgmt.api_params import NOTE_MAX, clean_text
from gridmgmt.cases.errors import CaseInvalid, VersionConflict
from gridmgmt.cases.models import Case, CaseAttachment, CaseHistory
from gridmgmt.cases.workflow import authorise
from gridmgmt.events.models import Event
from gridmgmt.events.photos import photo_clean


def lock(case_id: int, version: int) -> Case:
    case = Case.objects.select_for_update().select_related("small_class").filter(pk=case_id).first()
    if case is None:
        raise CaseInvalid(_("case %(id)s does not exist.") % {"id": case_id})
    if case.version != version:
        raise VersionConflict(_("case %(id)s was changed by someone else (now version %(now)s, you sent %(sent)s); "
                                "reload it and try again.") % {"id": case_id, "now": case.version, "sent": version})
    return case


def lock_in_order(case_ids) -> None:
    """Lock the rows of several cases in id order before any is changed.

    Two multi-case steps over the same cases (bulk dispatches in opposite
    orders, merges X→Y and Y→X) then queue on the first row instead of each
    holding one row the other waits for; the one that waited finds the
    versions moved and gets :class:`VersionConflict` (409).
    """
    list(Case.objects.select_for_update().filter(pk__in=set(case_ids)).order_by("pk").values_list("pk", flat=True))


# PostgreSQL's deadlock_detected and serialization_failure: a concurrent
# writer won; for the caller that is a conflict to reload, not a server error.
CONTENTION_PGCODES = ("40P01", "40001")


def contention_as_conflict(service):
    """Wraps a (transactional) service so that losing a lock race raises :class:`VersionConflict`."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) not in CONTENTION_PGCODES:
                raise
            raise VersionConflict(_("these cases were changed by someone else at the same moment; "
                                    "reload them and try again.")) from None

    return wrapper


def begin(action: str, *, case_id: int, version: int, actor) -> tuple[Case, str]:
    case = lock(case_id, version)
    role = authorise(action, status=case.status, roles=roles_over(actor, case), case_id=case_id)
    return case, role


def commit(case: Case, *, action: str, from_status: str, actor, role: str, at: datetime, note: str = "",
            data: dict | None = None, photos: Sequence[File] = ()) -> CaseHistory:
    """Saves the changed case, copies its status onto its reports and records the step."""
    case.version += 1
    case.full_clean()
    case.save()
    Event.objects.filter(case_source__case=case).update(status=case.status, updated_at=at)
    return append_history(case, action=action, from_status=from_status, actor=actor, role=role, at=at,
                           note=note, data=data, photos=photos)


def step_text(case_id: int, text: str) -> str:
    """A person's text for a step (note, reason, feedback): NUL refused (PostgreSQL text cannot hold it;
    pages pass form fields as typed), other C0 controls removed, at most NOTE_MAX characters, by the intake
    rule (:func:`clean_text`)."""
    if "\x00" in text:
        raise CaseInvalid(_("case %(id)s: the text contains a NUL character.") % {"id": case_id})
    try:
        return clean_text(text, "note", max_length=NOTE_MAX)
    except ParamError as exc:
        raise CaseInvalid(_("case %(id)s: %(problem)s") % {"id": case_id, "problem": exc.detail["note"]}) from None


def append_history(case: Case, *, action: str, from_status: str, actor, role: str, at: datetime,
                    note: str = "", data: dict | None = None, photos: Sequence[File] = ()) -> CaseHistory:
    note = step_text(case.pk, note)
    entry = CaseHistory(case=case, action=action, from_status=from_status, to_status=case.status,
                        actor=actor, role=role, at=at, note=note, data=data or {})
    entry.full_clean()
    entry.save()
    # The one upload policy (type, size, re-encoding, random name) for every photo; all checked before any is stored.
    cleaned = [photo_clean(photo).content for photo in photos]
    for content in cleaned:
        attachment = CaseAttachment(history=entry, file=content)
        attachment.full_clean()
        attachment.save()
    return entry
