"""API keys for integrations: issued per channel, stored as sha256, revocable.

A key is 32 random bytes (URL-safe base64); sha256 without salt is enough for
such high-entropy secrets and lets a request find its key with one indexed
lookup.
"""

import hashlib
import secrets

from django.utils import timezone

from gridmgmt.events.models import ApiKey


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def api_key_create(*, name: str, channel: str) -> tuple[ApiKey, str]:
    """A new key for ``channel``; returns the record and the raw key (shown once)."""
    raw_key = secrets.token_urlsafe(32)
    key = ApiKey(name=name, channel=channel, prefix=raw_key[:8], key_hash=_digest(raw_key))
    key.full_clean()
    key.save()
    return key, raw_key


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_check(raw_key: str | None) -> ApiKey | None:
    """The active key matching ``raw_key``, or None (unknown, empty or revoked)."""
    if not raw_key:
        return None
    return ApiKey.objects.filter(key_hash=_digest(raw_key), revoked_at__isnull=True).first()
