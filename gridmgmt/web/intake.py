"""Call-taker intake (受理): a report from a phone call to 12345 / 12319 or a walk-in, placed by address search.

The page posts here; the write is hotline.services.hotline_call_take (the
one intake core plus the private caller). The address search answers JSON
from the gazetteer (geocoding.selectors.place_search, pg_trgm).
"""

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import MAX_ID, int_param, point_param
from gridmgmt.geocoding.selectors import place_example, place_search
from gridmgmt.hotline.selectors import call_taken
from gridmgmt.hotline.services import hotline_call_take
from gridmgmt.web import selectors
from gridmgmt.web.roles import role_required

call_takers = role_required(Role.CALL_TAKER, Role.SHIFT_LEADER)
SEARCH_LIMIT = 10


class HotlineForm(forms.Form):
    line = forms.ChoiceField(label=_("Line"), widget=forms.RadioSelect, initial="12345", choices=[
        ("12345", _("12345 citizen hotline")), ("12319", _("12319 urban-management line")),
        ("walk_in", _("Walk-in at the front desk"))])
    caller_phone = forms.CharField(label=_("Caller's phone (private)"), max_length=32)
    caller_name = forms.CharField(label=_("Caller's name (private, optional)"), max_length=64, required=False)
    service_code = forms.CharField(label=_("Class"), max_length=16)
    description = forms.CharField(label=_("What the caller says"), widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    # The place is read by the request parameters' point rule (api_params.point_param) in clean():
    # forms.FloatField took Arabic-Indic and full-width digits and 1_0 as numbers.
    lng = forms.CharField(widget=forms.HiddenInput, max_length=40)
    lat = forms.CharField(widget=forms.HiddenInput, max_length=40)
    crs = forms.ChoiceField(choices=[("wgs84", "WGS84"), ("gcj02", "GCJ-02")], initial="wgs84", required=False,
                            label=_("Coordinates from"))

    def clean(self):
        data = super().clean()
        if "lat" in data and "lng" in data:
            try:  # coordinates read off a Chinese map app (GCJ-02) are converted to WGS84
                data["point"] = point_param({"lat": data["lat"], "lng": data["lng"], "crs": data.get("crs") or "wgs84"})
            except ParamError as exc:
                for field, messages in exc.detail.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data

    def point(self) -> Point:
        """The place in WGS84."""
        return self.cleaned_data["point"]


@require_http_methods(["GET", "POST"])
@call_takers
def hotline(request):
    form = HotlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = hotline_call_take(
                line=form.cleaned_data["line"], caller_phone=form.cleaned_data["caller_phone"],
                caller_name=form.cleaned_data["caller_name"], small_class_code=form.cleaned_data["service_code"],
                point=form.point(), description=form.cleaned_data["description"],
                address=form.cleaned_data["address"], taken_by=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The saved notice (with the link to the new case) is read back from the call on the next GET.
            return redirect(f"{reverse('web:intake')}?saved={event.pk}")
    status = 400 if request.method == "POST" else 200
    saved = int_param(request.GET, "saved", default=None, low=1, high=MAX_ID)
    return render(request, "intake/hotline.html", {
        "form": form, "catalogue": selectors.report_catalogue(), "service_code": request.POST.get("service_code", ""),
        "search_example": place_example(),
        "saved": saved and call_taken(user=request.user, event_id=saved),
    }, status=status)


@require_GET
@call_takers
def places(request):
    """``{"results": [{name, address, kind, lng, lat, score}]}`` for ``?q=`` (WGS84), best first."""
    found = place_search(query=request.GET.get("q", "")[:100], limit=SEARCH_LIMIT)
    return JsonResponse({"results": [
        {"name": p.name, "address": p.address, "kind": p.kind, "lng": round(p.location.x, 7),
         "lat": round(p.location.y, 7), "score": round(p.score or 0, 3)} for p in found]})


