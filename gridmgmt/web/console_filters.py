"""The console's case filters: a form over the query string, applied on top of the cases selector.

Filters live in the URL (GET) so a filtered list can be reloaded, bookmarked
and shared; the list starts from :func:`gridmgmt.cases.selectors.case_list`,
the same jurisdiction-filtered read the API uses.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridmgmt.api_params import day_end_exclusive
from gridmgmt.areas.models import Street
from gridmgmt.cases.selectors import case_list
from gridmgmt.cases.workflow import WITH_DEPARTMENT
from gridmgmt.web.status import STATUS_LABELS

# Cases "near the deadline" in the list: due within this many clock hours.
# The deadline job's warning counts working hours per case; the list uses
# clock hours so that it stays one indexed range query.
NEAR_DEADLINE_HOURS = 4


class ConsoleFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *STATUS_LABELS.items()])
    class_code = forms.RegexField(label=_("Class code"), required=False, regex=r"^\d{2}(\d{2})?$",
                                  help_text=_("2-digit big class or 4-digit small class"),
                                  error_messages={"invalid": _("Enter a 2- or 4-digit class code.")})
    street = forms.ChoiceField(label=_("Street"), required=False)
    community = forms.RegexField(label=_("Community code"), required=False, regex=r"^\d{12}$",
                                 error_messages={"invalid": _("A community code has 12 digits.")})
    grid = forms.RegexField(label=_("Grid code"), required=False, regex=r"^\d{14,15}$",
                            error_messages={"invalid": _("A grid code has 14 or 15 digits.")})
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("Any")), ("overdue", _("Overdue")), ("near", _("Near the deadline"))])
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=_("Received until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [("", _("Any street")),
                                         *Street.objects.order_by("code").values_list("code", "name")]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error("received_to", _("The end of the period is before its start."))
        return data


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(settings.TIME_ZONE))


def filter_cases(*, user, data: dict, now: datetime | None = None) -> QuerySet:
    """Cases the user may see, narrowed by the cleaned filter ``data``."""
    now = now or timezone.now()
    cases = case_list(user=user, status=data.get("status") or None)
    code = data.get("class_code")
    if code:
        cases = cases.filter(small_class__code=code) if len(code) == 4 else cases.filter(
            small_class__code__startswith=code)
    for field, column in (("street", "street_code"), ("community", "community_code"), ("grid", "grid_code")):
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
    """Rows of a case list: the case, its deadline state and its status in the user's language."""
    now = now or timezone.now()
    return [{"case": case, "deadline_state": deadline_state(case, now),
             "status_label": STATUS_LABELS.get(case.status, case.status)} for case in cases]


