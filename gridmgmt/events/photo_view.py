"""Photos served only to those who may read them: ``GET {MEDIA_URL}<stored name>``.

Mounted at ``MEDIA_URL``, so every stored photo's ``.url`` (report photos,
department feedback and verification photos) points here and templates can
keep using ``photo.image.url``; a new kind of photo adds its rule to
``PHOTO_SOURCES``. A photo is readable when its report or case
lies in the reader's jurisdiction (:mod:`gridmgmt.accounts.jurisdiction`:
a signed-in user, or an integration's ``X-Api-Key`` for the reports it
submitted), or when the Open311 publication policy publishes it
(:func:`gridmgmt.open311.policy.photo_published`). Anything else — unknown
names, other people's photos, anonymous callers — is a 404, so a stranger
cannot even learn that a name exists.

With ``GRIDMGMT_PHOTO_ACCEL_REDIRECT=/protected-media/`` the answer is empty
with ``X-Accel-Redirect: /protected-media/<stored name>`` and nginx sends the
file from an ``internal`` location aliased to ``MEDIA_ROOT``; without it the
file is streamed by Django.
"""

import mimetypes

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET

from gridmgmt.accounts.jurisdiction import scope_of, scope_of_api_key
from gridmgmt.cases.models import CaseAttachment
from gridmgmt.events.api_keys import api_key_check
from gridmgmt.events.models import EventPhoto
from gridmgmt.open311.policy import photo_published


def _reader_scope(request):
    raw_key = request.headers.get("X-Api-Key")
    if raw_key is not None:
        return scope_of_api_key(api_key_check(raw_key))
    return scope_of(request.user)


def _event_photo(request, name: str) -> bool | None:
    photo = EventPhoto.objects.filter(image=name).select_related("event").first()
    if photo is None:
        return None
    return _reader_scope(request).covers(photo.event) or photo_published(photo.event)


def _case_attachment(request, name: str) -> bool | None:
    attachment = CaseAttachment.objects.filter(file=name).only("history__case_id").select_related("history").first()
    if attachment is None:
        return None
    return _reader_scope(request).cases().filter(pk=attachment.history.case_id).exists()


def _correction_photo(request, name: str) -> bool | None:
    """Base-data corrections (gridmgmt.gis, app label gis_editor): the model's own rule (``readable_by``)."""
    try:
        model = apps.get_model("gis_editor", "BaseDataCorrection")
    except LookupError:  # the GIS app without corrections
        return None
    correction = model.objects.filter(photo=name).first()
    if correction is None:
        return None
    return correction.readable_by(request.user)


# Every model that stores photos: (stored name → True/False, or None when the name is not its own).
PHOTO_SOURCES = (_event_photo, _case_attachment, _correction_photo)


def photo_readable(request, name: str) -> bool:
    """Whether the caller of ``request`` may read the stored photo ``name``; unknown names are unreadable."""
    for source in PHOTO_SOURCES:
        readable = source(request, name)
        if readable is not None:
            return readable
    return False


def _not_found() -> HttpResponse:
    # Bare, for an <img> (not the 404 page, whose layout would repeat the asked name), and the same for a name
    # that does not exist and one the reader may not see.
    return HttpResponseNotFound(b"", content_type="text/plain")


@require_GET
def photo_download(request, name: str):
    if not photo_readable(request, name):
        return _not_found()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    prefix = settings.PHOTO_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
    else:
        try:
            response = FileResponse(default_storage.open(name), content_type=content_type)
        except FileNotFoundError:
            return _not_found()
    # Private: a shared proxy must not hand one reader's photo to another.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
