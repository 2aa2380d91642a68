"""The reader's language: remembered from the pages, used for what is read away from them (e-mails).

:func:`reader_language` is the one answer to "which language does this person
read?"; the language switch and sign-in record it with :func:`reading_language_set`.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import get_supported_language_variant
from django.views.i18n import set_language as django_set_language

from gridmgmt.accounts.models import ReadingLanguage


def reader_language(user) -> str:
    """A language code of ``LANGUAGES`` (``zh-hans`` or ``en``): the user's remembered choice, else
    ``LANGUAGE_CODE``. ``user`` may be unsaved or anonymous (then ``LANGUAGE_CODE``)."""
    if getattr(user, "pk", None) is None:
        return settings.LANGUAGE_CODE
    choice = ReadingLanguage.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return choice or settings.LANGUAGE_CODE


def reading_language_set(*, user, language: str) -> str:
    """Remember ``language`` (any variant Django supports, e.g. ``zh-Hans``, ``en-us``) for ``user``;
    returns the stored code. ``LookupError`` for a language the site does not offer."""
    code = get_supported_language_variant(language)
    ReadingLanguage.objects.update_or_create(user_id=user.pk, defaults={"language": code})
    return code


@receiver(user_logged_in, dispatch_uid="remember_reading_language")
def _remember_on_sign_in(sender, request, user, **kwargs):
    language = getattr(request, "LANGUAGE_CODE", None)
    if language:
        reading_language_set(user=user, language=language)


def set_language(request):
    """Django's language switch, which also remembers the choice of a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated:
        try:
            reading_language_set(user=request.user, language=language)
        except LookupError:
            pass  # Django's switch ignored it too
    return response
