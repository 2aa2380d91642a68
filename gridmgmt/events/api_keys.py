"""API keys for integrations: issued per channel, stored as sha256, revocable.

A key is 32 random bytes (URL-safe base64); sha256 without salt is enough for
such high-entropy secrets and lets a request find its key with one indexed
lookup.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from gridmgmt.areas.models import Community, Street
from gridmgmt.events.models import ApiKey
from gridmgmt.prepared import execute_prepared, instance_from_row, select_columns

_KEY_SQL = f"SELECT {select_columns(ApiKey)} FROM events_apikey WHERE key_hash = $1::text AND revoked_at IS NULL"


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def api_key_create(*, name: str, channel: str, area_codes: list[str] = ()) -> tuple[ApiKey, str]:
    """A new key for ``channel``; returns the record and the raw key (shown once).

    ``area_codes`` (street or community codes) limit where the key may
    report; empty = the whole district. An unknown code raises ValidationError.
    """
    area_codes = sorted(set(area_codes))
    known = {*Street.objects.filter(code__in=area_codes).values_list("code", flat=True),
             *Community.objects.filter(code__in=area_codes).values_list("code", flat=True)}
    unknown = [code for code in area_codes if code not in known]
    if unknown:
        raise ValidationError({"area_codes": f"no street or community has the code(s) {', '.join(unknown)}"})
    raw_key = secrets.token_urlsafe(32)
    key = ApiKey(name=name, channel=channel, prefix=raw_key[:8], key_hash=_digest(raw_key), area_codes=area_codes)
    key.full_clean()
    key.save()
    return key, raw_key


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_covers(key: ApiKey, *, street_code: str, community_code: str) -> bool:
    """Whether a report placed in this street and community lies in the key's area (empty area = district)."""
    return not key.area_codes or street_code in key.area_codes or community_code in key.area_codes


def api_key_check(raw_key: str | None) -> ApiKey | None:
    """The active key matching ``raw_key``, or None (unknown, empty, revoked, or no text: a JSON body's
    ``"api_key": 123``)."""
    if not raw_key or not isinstance(raw_key, str):
        return None
    with connection.cursor() as cursor:  # every integration request asks: prepared, no ORM
        execute_prepared(cursor, "gridmgmt_api_key", _KEY_SQL, [_digest(raw_key)])
        row = cursor.fetchone()
    return instance_from_row(ApiKey, row) if row else None
