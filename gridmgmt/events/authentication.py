"""DRF authentication by API key, for integrations that have no user account."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, permissions

from gridmgmt.events.api_keys import api_key_check
from gridmgmt.events.models import ApiKey

API_KEY_HEADER = "HTTP_X_API_KEY"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``X-Api-Key: <key>``; sets ``request.auth`` to the :class:`ApiKey`."""

    def authenticate(self, request):
        raw_key = request.META.get(API_KEY_HEADER)
        if raw_key is None:
            return None
        key = api_key_check(raw_key)
        if key is None:
            raise exceptions.AuthenticationFailed(_("invalid or revoked API key (X-Api-Key)"))
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return "X-Api-Key"


class IsUserOrApiKey(permissions.BasePermission):
    message = gettext_lazy("log in, send a token (Authorization: Token ...) or an API key (X-Api-Key)")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) or isinstance(request.auth, ApiKey)
