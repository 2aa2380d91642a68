"""Taking a report by phone: the one intake core (events.services.event_create) plus the caller, private."""

import re

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ParamError

from gridmgmt.api_params import NAME_MAX, clean_text

from gridmgmt.events.models import Channel, Event
from gridmgmt.events.services import event_create
from gridmgmt.hotline.models import HotlineCall

LINES = {"12345": Channel.HOTLINE, "12319": Channel.URBAN_LINE, "walk_in": Channel.HOTLINE}
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")
# Digits in a number a caller gives: 7 (a local fixed line) to 15 (the longest international number);
# a mainland mobile has 11.
PHONE_DIGITS = (7, 15)


@transaction.atomic
def hotline_call_take(*, line: str, caller_phone: str, caller_name: str = "", small_class_code: str, point: Point,
                      description: str, address: str = "", taken_by) -> Event:
    """Stores the report (channel ``hotline`` for 12345 and walk-ins, ``urban_line`` for 12319) and its caller.

    ``point`` is WGS84. The report then follows the normal loop (located,
    routed, a case opened by the intake core). Raises ValidationError naming
    the field (line, caller_phone, or any of the intake core's); nothing is stored.
    """
    if line not in LINES:
        raise ValidationError({"line": _("Unknown line '%(line)s': 12345, 12319 or walk-in.") % {"line": line}})
    caller_phone = caller_phone.strip()
    digits = sum(c.isdigit() for c in caller_phone)
    if not PHONE.match(caller_phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError({"caller_phone": _(
            "'%(phone)s' has %(count)s digits; a phone number has 11 (a mobile, e.g. 138 0013 8000) or 7 to 12 "
            "with its area code (a fixed line), optionally separated by spaces or dashes.") % {
            "phone": caller_phone, "count": digits}})
    try:
        caller_name = clean_text(caller_name, "caller_name", max_length=NAME_MAX).strip()
    except ParamError as exc:
        raise ValidationError(exc.detail) from None
    event = event_create(small_class_code=small_class_code, point=point, channel=LINES[line],
                         description=description, address=address, reporter=taken_by).event
    call = HotlineCall(event=event, caller_phone=caller_phone, caller_name=caller_name,
                       walk_in=line == "walk_in", taken_by=taken_by)
    call.full_clean()
    call.save()
    return event
