"""Sign-in throttling through django-axes, for sign-ins that come with a request.

Axes' backend refuses to authenticate without a request; sign-ins without
one (``manage.py shell``, a test client's ``login()``) are no web sign-in an
attacker can repeat, so this backend passes them on to the next backend.
"""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
