"""Taking a report by phone: the one intake core (events.services.event_create) plus the caller, private."""

import re

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction

from gridmgmt.events.models import Channel, Event
from gridmgmt.events.services import event_create
from gridmgmt.hotline.models import HotlineCall

LINES = {"12345": Channel.HOTLINE, "12319": Channel.URBAN_LINE, "walk_in": Channel.HOTLINE}
PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")


@transaction.atomic
def hotline_call_take(*, line: str, caller_phone: str, caller_name: str = "", small_class_code: str, point: Point,
                      description: str, address: str = "", taken_by) -> Event:
    """Stores the report (channel ``hotline`` for 12345 and walk-ins, ``urban_line`` for 12319) and its caller.

    ``point`` is WGS84. The report then follows the normal loop (located,
    routed, a case opened by the intake core). Raises ValidationError naming
    the field (line, caller_phone, or any of the intake core's); nothing is stored.
    """
    if line not in LINES:
        raise ValidationError({"line": f"unknown line {line!r}: 12345, 12319 or walk_in"})
    caller_phone = caller_phone.strip()
    if not PHONE.match(caller_phone):
        raise ValidationError({"caller_phone": "a phone number of digits, spaces or dashes"})
    event = event_create(small_class_code=small_class_code, point=point, channel=LINES[line],
                         description=description, address=address, reporter=taken_by).event
    call = HotlineCall(event=event, caller_phone=caller_phone, caller_name=caller_name.strip(),
                       walk_in=line == "walk_in", taken_by=taken_by)
    call.full_clean()
    call.save()
    return event
