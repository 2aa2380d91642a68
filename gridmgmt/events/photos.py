"""The one upload policy for every photo: report photos, department feedback, on-site verification.

A photo is accepted only if Pillow decodes it as JPEG, PNG or WebP (an MPO,
the multi-picture JPEG many phones write, counts as a JPEG: its first frame
is kept) within the size limits (``EVENTS_PHOTO_MAX_BYTES`` bytes,
``EVENTS_PHOTO_MAX_PIXELS`` pixels). It is re-encoded from its pixels so that
nothing of the original file survives but the pixels and the EXIF
orientation: GPS, camera serial numbers, maker notes, XMP and comments can
identify the reporter. The stored name is a random token (never the client's
file name). The EXIF GPS position (WGS84, as GPS gives it) is read first, so
it can stand in for a missing report location.

Every model that stores a photo calls :func:`photo_clean` in its service and
saves ``CleanPhoto.content``; photos are read back only through
:mod:`gridmgmt.events.photo_view`, which checks the reader's jurisdiction.
"""

import io
import secrets
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
# Formats stored as another: a phone's MPO (multi-picture object) is a JPEG with extra frames.
STORED_AS = {"MPO": "JPEG"}
ORIENTATION_TAG = 0x0112
ORIENTATIONS = range(1, 9)  # the eight values EXIF defines; any other is no orientation
GPS_IFD = 0x8825


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    content_type: str
    gps_lng_lat: tuple[float, float] | None


def photo_clean(upload, *, field: str = "photos") -> CleanPhoto:
    """Validate and re-encode one uploaded file (any file-like with ``size`` and ``read``).

    Returns the re-encoded content, named ``<random token>.<jpg|png|webp>``.
    Raises ValidationError ``{field: message naming the file}`` for a file
    too big, not an image, of another format, or with too many pixels.
    """
    name = getattr(upload, "name", "photo")
    max_bytes = settings.EVENTS_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError({field: _("Photo '%(name)s' is %(size)s; a photo may be at most %(limit)s.")
                               % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}})
    if hasattr(upload, "seek"):
        upload.seek(0)  # a form or serializer field may have read it already to check it
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()  # structural check without decoding all pixels
    except Image.DecompressionBombError:  # a header claiming over twice Pillow's limit: refused before ours
        raise _too_many_pixels(name, field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({field: _("File '%(name)s' is not a photo that can be read (JPEG, PNG or WebP).")
                               % {"name": name}}) from None
    image_format = STORED_AS.get(image_format, image_format)
    if image_format not in FORMATS:
        raise ValidationError({field: _("Photo '%(name)s' is a %(format)s file; JPEG, PNG and WebP are accepted.")
                               % {"name": name, "format": image_format}})
    if width * height > settings.EVENTS_PHOTO_MAX_PIXELS:
        raise _too_many_pixels(name, field, width, height)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)  # the first frame of a multi-frame file (MPO)
            image.load()
            kept, gps = _exif_kept(image)
            pixels = _pixels_only(image, image_format)
            out = io.BytesIO()
            if image_format == "JPEG":
                pixels.save(out, "JPEG", quality=90, exif=kept.tobytes())
            else:
                pixels.save(out, image_format, exif=kept.tobytes())
    except (OSError, ValueError):
        raise ValidationError({field: _("Photo '%(name)s' is damaged: its picture could not be read.")
                               % {"name": name}}) from None
    content_type, extension = FORMATS[image_format]
    return CleanPhoto(ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(16)}.{extension}"), content_type, gps)


def _too_many_pixels(name: str, field: str, width: int | None = None, height: int | None = None) -> ValidationError:
    limit = settings.EVENTS_PHOTO_MAX_PIXELS
    if width is None:
        return ValidationError({field: _("Photo '%(name)s' has far more pixels than the %(limit)s accepted.")
                                % {"name": name, "limit": limit}})
    return ValidationError({field: _("Photo '%(name)s' has %(width)s×%(height)s pixels; at most %(limit)s "
                                     "pixels are accepted.") % {"name": name, "width": width, "height": height,
                                                                "limit": limit}})


def _exif_kept(image: Image.Image) -> tuple[Image.Exif, tuple[float, float] | None]:
    """The EXIF to store (the orientation alone, when it is one of the eight) and the GPS position (lng, lat).

    Damaged EXIF costs the photo its metadata, not its acceptance: a broken TIFF header raised
    SyntaxError, and an orientation stored as text, a rational or a number past 65535 could not be
    written back (struct.error).
    """
    kept = Image.Exif()
    try:
        exif = image.getexif()
        orientation = exif.get(ORIENTATION_TAG)
        gps = _gps_lng_lat(exif.get_ifd(GPS_IFD))
    except (SyntaxError, OSError, ValueError, TypeError, KeyError, struct.error):
        return kept, None
    if isinstance(orientation, int) and orientation in ORIENTATIONS:
        kept[ORIENTATION_TAG] = orientation
    return kept, gps


def _pixels_only(image: Image.Image, image_format: str) -> Image.Image:
    """A copy holding the pixels and nothing else (Pillow would re-save a JPEG comment or ICC/XMP from ``info``)."""
    image = _eight_bit(image)
    if image_format == "JPEG":
        mode = "L" if image.mode == "L" else "RGB"
    else:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        mode = "RGBA" if has_alpha else ("L" if image.mode == "L" else "RGB")
    pixels = image.convert(mode)
    pixels.info = {}
    return pixels


def _eight_bit(image: Image.Image) -> Image.Image:
    """A 16-bit greyscale PNG as 8-bit greyscale, scaled: Pillow's ``convert`` clips every value above 255
    to white, so a mid-grey 16-bit photo was stored all white. A grey kept transparent stays so (to 8 bits)."""
    if not image.mode.startswith("I;16"):
        return image
    scaled = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if isinstance(image.info.get("transparency"), int):
        scaled.info["transparency"] = image.info["transparency"] >> 8
    return scaled


def _gps_lng_lat(gps: dict) -> tuple[float, float] | None:
    """(lng, lat) in degrees from an EXIF GPS IFD, or None when absent or malformed."""
    try:
        lat = _degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lng = _degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lng, lat


def _degrees(dms) -> float:
    d, m, s = (float(x) for x in dms)
    return d + m / 60 + s / 3600
