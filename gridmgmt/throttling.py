"""Write throttling: one rate for every POST (and other writes) of the API and Open311.

Counted per signed-in user, else per integration key, else per client
address, in the cache (``CACHES``). The rate is
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["write"]`` (``GRIDMGMT_WRITE_RATE``,
default 300/minute), read at each request so that settings can change it.
"""

from types import SimpleNamespace

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WriteRateThrottle(SimpleRateThrottle):
    scope = "write"

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user-{user.pk}"
        elif getattr(request, "auth", None) is not None and getattr(request.auth, "pk", None):
            ident = f"key-{request.auth.pk}"  # ApiKeyAuthentication puts the key in request.auth
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def write_allowed(request, *, api_key=None) -> tuple[bool, float | None]:
    """For views outside DRF (Open311): (allowed, seconds to wait) under the same rate."""
    throttle = WriteRateThrottle()
    caller = SimpleNamespace(method=request.method, user=getattr(request, "user", None), auth=api_key,
                             META=request.META)  # what get_cache_key reads
    allowed = throttle.allow_request(caller, None)
    return allowed, None if allowed else throttle.wait()
