"""进展: a progress note by the department on a case it holds.

A note changes no state, so it is not a workflow step; it still uses the
same frame as every step (lock, version check, history entry,
version bump), so a note cannot be lost to a concurrent write either.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridmgmt.accounts.jurisdiction import roles_over
from gridmgmt.cases.errors import CaseInvalid, RoleNotAllowed, StateNotAllowed
from gridmgmt.cases.models import Case
from gridmgmt.cases.steps import commit, lock
from gridmgmt.cases.workflow import DEPARTMENT, WITH_DEPARTMENT


@transaction.atomic
def case_note_add(*, case_id: int, version: int, actor: AbstractBaseUser, note: str) -> Case:
    if not note.strip():
        raise CaseInvalid(_("case %(id)s: a progress note needs a text.") % {"id": case_id})
    case = lock(case_id, version)
    if case.status not in WITH_DEPARTMENT:
        raise StateNotAllowed(_("case %(id)s: a progress note is not allowed in state '%(state)s' (only in %(states)s).") % {
            "id": case_id, "state": case.status, "states": ", ".join(sorted(WITH_DEPARTMENT))})
    roles = roles_over(actor, case) & DEPARTMENT
    if not roles:
        raise RoleNotAllowed(_("case %(id)s: only the department holding it may add a progress note.") % {"id": case_id})
    commit(case, action="note", from_status=case.status, actor=actor, role=sorted(roles)[0], at=timezone.now(),
            note=note)
    return case
