"""即报即处: a small matter the grid worker fixed on the spot, reported and closed at once.

The worker reports as usual (the report's photos are the "before"), then
closes the new case with "after" photos. The case never goes to a
department: it has no deadline and is flagged ``self_handled`` so that the
KPIs count it apart from the dispatched loop.
"""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridmgmt.cases.errors import CaseInvalid
from gridmgmt.cases.models import Case, Status
from gridmgmt.cases.steps import begin, commit
from gridmgmt.events.models import EventPhoto


@transaction.atomic
def case_self_handle(*, case_id: int, version: int, actor: AbstractBaseUser, note: str,
                     photos: Sequence[File]) -> Case:
    """Closes a just-reported case the reporting grid worker fixed (reported → closed).

    Refused unless the actor reported it, the report has a photo (before)
    and at least one ``photos`` (after) is given with a note of what was done.
    """
    case, role = begin("self_handle", case_id=case_id, version=version, actor=actor)
    if not case.sources.filter(event__reporter=actor).exists():
        raise CaseInvalid(_("case %(id)s: only the grid worker who reported it may close it as fixed on the spot.") % {
            "id": case_id})
    if not EventPhoto.objects.filter(event__case_source__case=case).exists():
        raise CaseInvalid(_("case %(id)s: a matter fixed on the spot needs a photo before (in the report).") % {
            "id": case_id})
    if not photos or not note.strip():
        raise CaseInvalid(_("case %(id)s: say what was done and add a photo after.") % {"id": case_id})
    now = timezone.now()
    case.status, case.self_handled = Status.CLOSED, True
    case.opened_at = case.closed_at = now
    commit(case, action="self_handle", from_status=Status.REPORTED, actor=actor, role=role, at=now, note=note,
           photos=photos)
    return case
