"""Sign-in throttling through django-axes, for sign-ins that come with a request.

Axes' backend refuses to authenticate without a request; sign-ins without
one (``manage.py shell``, a test client's ``login()``) are no web sign-in an
attacker can repeat, so this backend passes them on to the next backend.

Axes records each attempt's user name as typed in a 255-character column: a
longer name (or one holding NUL, which PostgreSQL text cannot carry) made
the sign-in page answer 500. No account can have such a name, so
:func:`attempted_username` records it cut to the user name's length and
without control characters; the form still refuses it.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model

from gridmgmt.api_params import strip_control_characters


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempted_username(request, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the name from ``credentials`` (else the POSTed form), at most as long
    as a user name can be (150), without control characters; None when none was given."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    field = get_user_model().USERNAME_FIELD
    name = source.get(field)
    if not isinstance(name, str):
        return None
    return strip_control_characters(name)[:get_user_model()._meta.get_field(field).max_length]
