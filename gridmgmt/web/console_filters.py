"""The console's case filters: a form over the query string, applied on top of the cases selector.

Filters live in the URL (GET) so a filtered list can be reloaded, bookmarked
and shared; the list starts from :func:`gridmgmt.cases.selectors.case_list`,
the same jurisdiction-filtered read the API uses.
"""

import re
import unicodedata
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridmgmt.api_params import day_end_exclusive
from gridmgmt.cases.models import CaseEvent, Postponement, PostponementStatus
from gridmgmt.cases.selectors import case_list
from gridmgmt.cases.workflow import WITH_DEPARTMENT
from gridmgmt.events.models import SmallClass
from gridmgmt.text_bigrams import contains_word_q
from gridmgmt.web.pickers import class_code_q, class_field, community_field, department_choices, street_choices
from gridmgmt.web.status import STATUS_LABELS

# Cases "near the deadline" in the list: due within this many clock hours.
# The deadline job's warning counts working hours per case; the list uses
# clock hours so that it stays one indexed range query.
NEAR_DEADLINE_HOURS = 4
# Sortable list columns (``sort`` = key, or -key for descending) → ordering; the id breaks ties.
SORT_COLUMNS = {"number": ("id",), "class": ("small_class__code", "id"), "status": ("status", "id"),
                "received": ("received_at", "id"), "deadline": ("deadline", "id")}
DEFAULT_SORT = "-received"
# A number with its year: 2026-000123, 2026-123 (after NFKC: full-width digits and dash are ASCII).
CASE_NUMBER = re.compile(r"^(\d{4})\s*-\s*(\d+)$", re.ASCII)


class ConsoleFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *STATUS_LABELS.items()])
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("A case number (2026-000123) or words of the description, class or address"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    class_code = class_field()
    street = forms.ChoiceField(label=_("Street"), required=False)
    community = community_field()
    department = forms.ChoiceField(label=_("Department"), required=False)
    grid = forms.RegexField(label=_("Grid code"), required=False, regex=r"^\d{14,15}$",
                            error_messages={"invalid": _("A grid code has 14 or 15 digits.")})
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("Any")), ("overdue", _("Overdue")), ("near", _("Near the deadline"))])
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=_("Received until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                             choices=[(f"{d}{key}", key) for key in SORT_COLUMNS for d in ("", "-")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [("", _("Any street")), *street_choices()]
        self.fields["department"].choices = [("", _("Any department")), *department_choices()]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end of the period is before its start."))
        return data


class _EqualsAny(Func):
    """``column = ANY(ARRAY(subquery))``: the array is computed once (an InitPlan), so the column's index
    takes it as an index condition; ``IN (subquery)`` under an OR is a per-row filter, a sequential scan."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _in_subquery(column: str, subquery: QuerySet) -> Q:
    return Q(_EqualsAny(F(column), ArraySubquery(subquery)))


def _word_q(word: str) -> Q:
    """Cases whose description, class name (either language) or a report's address contains ``word``.

    Each branch is an index condition on the case table, so PostgreSQL ORs them in one bitmap:
    the description by its trigram index on UPPER(description) (``icontains`` compares UPPER … LIKE),
    or for a 2-character word its bigram index (:func:`gridmgmt.text_bigrams.contains_word_q`), the
    class by the class index (class names matched first: a small catalogue), the address by the case
    ids of the reports whose address matches (the report's trigram or bigram index, then the primary key).
    """
    classes = SmallClass.objects.filter(Q(name__icontains=word) | Q(name_en__icontains=word)).values("id")
    addressed = CaseEvent.objects.filter(contains_word_q("event__address", word)).values("case_id")
    return (contains_word_q("description", word) | _in_subquery("small_class_id", classes)
            | _in_subquery("pk", addressed))


def case_number_q(text: str) -> Q | None:
    """The case a typed number names, or None when ``text`` is no number.

    The number is the year of receipt and the case id, at least 6 digits (``2026-000123``); typed
    with or without the dash, with or without leading zeros, in full-width digits (a Chinese input
    method's ２０２６－０００１２３), or the sequence alone (``123`` → case 123). Each form is one
    lookup on a unique index (number or primary key).
    """
    text = unicodedata.normalize("NFKC", text).strip()
    number = CASE_NUMBER.match(text)
    if number:
        return Q(number=f"{number.group(1)}-{int(number.group(2)):06d}")
    if not (text.isascii() and text.isdigit()):  # "²".isdigit() is true, int("²") fails
        return None
    q = Q(pk=int(text))  # an id beyond the column's range matches nothing (Django leaves it out)
    if len(text) > 4 and text[:2] in ("19", "20"):  # 2026000123: a year then the sequence
        q |= Q(number=f"{text[:4]}-{int(text[4:]):06d}")
    return q


def search_q(text: str) -> Q:
    """A case number (see :func:`case_number_q`) or words; every word must be found (:func:`_word_q`).

    A number with its year finds only that case; digits alone may also be words (a phone number's
    tail, a house number), so they find the case with that sequence or the words.
    """
    by_number = case_number_q(text)
    if by_number is not None and not text.strip().isdigit():
        return by_number
    words = Q()
    for word in unicodedata.normalize("NFKC", text).split():
        words &= _word_q(word)
    return by_number | words if by_number is not None else words


def sorted_cases(cases: QuerySet, sort: str | None) -> QuerySet:
    """``cases`` in the order of a list column (``sort`` from :data:`SORT_COLUMNS`, "-" = descending)."""
    sort = sort or DEFAULT_SORT
    key, descending = sort.lstrip("-"), sort.startswith("-")
    fields = SORT_COLUMNS.get(key, SORT_COLUMNS["received"])
    return cases.order_by(*(F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
                            for f in fields))


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(settings.TIME_ZONE))


def filter_cases(*, user, data: dict, now: datetime | None = None) -> QuerySet:
    """Cases the user may see, narrowed by the cleaned filter ``data``."""
    now = now or timezone.now()
    cases = case_list(user=user, status=data.get("status") or None)
    if data.get("q"):
        cases = cases.filter(search_q(data["q"]))
    if data.get("class_code"):
        cases = cases.filter(class_code_q(data["class_code"]))
    if data.get("community"):
        cases = cases.filter(community_code__in=data["community"])
    for field, column in (("street", "street_code"), ("grid", "grid_code"), ("department", "department__code")):
        if data.get(field):
            cases = cases.filter(**{column: data[field]})
    if data.get("deadline") == "overdue":
        cases = cases.filter(status__in=WITH_DEPARTMENT, deadline__lt=now)
    elif data.get("deadline") == "near":
        cases = cases.filter(status__in=WITH_DEPARTMENT, deadline__gte=now,
                             deadline__lt=now + timedelta(hours=NEAR_DEADLINE_HOURS))
    if data.get("received_from"):
        cases = cases.filter(received_at__gte=_local_midnight(data["received_from"]))
    if data.get("received_to"):
        cases = cases.filter(received_at__lt=day_end_exclusive(data["received_to"]))  # 9999-12-31: no bound
    return cases


def deadline_state(case, now: datetime) -> str:
    """"overdue", "near" or "" for a case in the list (same thresholds as the filter)."""
    if case.status not in WITH_DEPARTMENT or case.deadline is None:
        return ""
    if case.deadline < now:
        return "overdue"
    return "near" if case.deadline < now + timedelta(hours=NEAR_DEADLINE_HOURS) else ""


def case_rows(cases, now: datetime | None = None) -> list[dict]:
    """Rows of a case list: the case, its deadline state, its status in the user's language and
    whether a postponement request waits for a decision (one query for the whole page)."""
    now, cases = now or timezone.now(), list(cases)
    pending = set(Postponement.objects.filter(case__in=[c.pk for c in cases], status=PostponementStatus.PENDING)
                  .values_list("case_id", flat=True))
    return [{"case": case, "deadline_state": deadline_state(case, now), "pending_postponement": case.pk in pending,
             "status_label": STATUS_LABELS.get(case.status, case.status)} for case in cases]


