"""Checking and cleaning uploaded photos with Pillow.

A photo is accepted only if Pillow decodes it as JPEG, PNG or WebP within the
size limits. It is re-encoded so that nothing of the original file survives
but the pixels and the EXIF orientation: GPS, camera serial numbers and
maker notes can identify the reporter. The EXIF GPS position (WGS84, as GPS
gives it) is read first, so it can stand in for a missing report location.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
ORIENTATION_TAG = 0x0112
GPS_IFD = 0x8825


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    content_type: str
    gps_lng_lat: tuple[float, float] | None


def photo_clean(upload, *, field: str = "photos") -> CleanPhoto:
    """Validate and re-encode one uploaded file; raises ValidationError naming it."""
    name = getattr(upload, "name", "photo")
    max_bytes = settings.EVENTS_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError({field: f"photo {name!r} is {upload.size} bytes; the limit is {max_bytes}"})
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()  # structural check without decoding all pixels
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({field: f"file {name!r} is not a readable image"}) from None
    if image_format not in FORMATS:
        raise ValidationError({field: f"photo {name!r} is {image_format}; accepted: JPEG, PNG, WebP"})
    if width * height > settings.EVENTS_PHOTO_MAX_PIXELS:
        raise ValidationError({field: f"photo {name!r} has {width}x{height} pixels; the limit is "
                                      f"{settings.EVENTS_PHOTO_MAX_PIXELS} pixels"})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            exif = image.getexif()
            orientation = exif.get(ORIENTATION_TAG)
            gps = _gps_lng_lat(exif.get_ifd(GPS_IFD))
            kept = Image.Exif()
            if orientation:
                kept[ORIENTATION_TAG] = orientation
            out = io.BytesIO()
            if image_format == "JPEG":
                image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
                image.save(out, "JPEG", quality=90, exif=kept.tobytes())
            else:
                image.save(out, image_format, exif=kept.tobytes())
    except (OSError, ValueError):
        raise ValidationError({field: f"photo {name!r} could not be decoded"}) from None
    content_type, extension = FORMATS[image_format]
    return CleanPhoto(ContentFile(out.getvalue(), name=f"photo.{extension}"), content_type, gps)


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
