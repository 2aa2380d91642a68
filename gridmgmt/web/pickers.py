"""Filter pickers that take a name, not a code: classes, communities, departments, streets.

A person types or picks 暴露垃圾 (or "Exposed rubbish", or the code 1102) and
the filter gets the codes it means; a name that matches nothing is refused
by name, never silently turned into an empty list. The page offers the
names in a ``<datalist>`` or ``<select>`` in the reader's language
(:mod:`gridmgmt.web.names`).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridmgmt.areas.models import Community, Department, Street
from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.web.names import local_name


def _matching(model, text: str, *, code_field: str = "code") -> list[str]:
    """Codes of records whose code or name (Chinese or English) equals ``text``; else whose name contains it."""
    exact = model.objects.filter(Q(**{code_field: text}) | Q(name__iexact=text) | Q(name_en__iexact=text))
    found = list(exact.values_list(code_field, flat=True))
    if not found:
        found = list(model.objects.filter(Q(name__icontains=text) | Q(name_en__icontains=text))
                     .values_list(code_field, flat=True))
    return sorted(found)


class NamedPickerField(forms.CharField):
    """A text field resolved to a list of codes by :func:`_matching`; blank → None (no filter)."""

    def __init__(self, *, resolve, not_found, **kwargs):
        super().__init__(required=False, **kwargs)
        self.resolve, self.not_found = resolve, not_found

    def clean(self, value):
        # a Chinese fallback picked from the list carries local_name's " (zh)" mark
        text = super().clean(value).strip().removesuffix(" (zh)")
        if not text:
            return None
        codes = self.resolve(text)
        if not codes:
            raise forms.ValidationError(self.not_found, params={"name": text})
        return codes


def class_codes(text: str) -> list[str]:
    """Small-class codes (4 digits) and big-class codes (2 digits) named or coded by ``text``."""
    exact = _matching(SmallClass, text) + _matching(BigClass, text)
    return sorted(set(exact))


def community_codes(text: str) -> list[str]:
    return _matching(Community, text)


def class_field() -> NamedPickerField:
    return NamedPickerField(label=_("Class"), resolve=class_codes,
                            not_found=_("No event class is named or coded “%(name)s”; pick one from the list."),
                            widget=forms.TextInput(attrs={"list": "class-names", "autocomplete": "off"}))


def community_field() -> NamedPickerField:
    return NamedPickerField(label=_("Community"), resolve=community_codes,
                            not_found=_("No community is named or coded “%(name)s”; pick one from the list."),
                            widget=forms.TextInput(attrs={"list": "community-names", "autocomplete": "off"}))


def class_code_q(codes: list[str]) -> Q:
    """Cases of these small classes (4-digit codes) or of any small class of these big classes (2-digit)."""
    q = Q(small_class__code__in=[c for c in codes if len(c) == 4])
    for big in (c for c in codes if len(c) == 2):
        q |= Q(small_class__code__startswith=big)
    return q


def picker_options() -> dict:
    """Names for the pickers in the reader's language: {"classes": [...], "communities": [...]} (sorted, unique)."""
    classes = [*BigClass.objects.order_by("code"), *SmallClass.objects.filter(active=True).order_by("code")]
    return {"classes": sorted({local_name(c) for c in classes}),
            "communities": sorted({local_name(c) for c in Community.objects.order_by("code")})}


def street_choices() -> list[tuple[str, str]]:
    return [(code, local_name(street)) for code, street in
            ((s.code, s) for s in Street.objects.order_by("code"))]


def department_choices() -> list[tuple[str, str]]:
    return [(d.code, local_name(d)) for d in Department.objects.order_by("code")]
