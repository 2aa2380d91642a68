"""The one upload policy (gridmgmt.events.photos.photo_clean), on its own (S4, R5)."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridmgmt.events.photos import GPS_IFD, ORIENTATION_TAG, photo_clean

EXIF_IFD, BODY_SERIAL = 0x8769, 0xA431
GPS = {1: "N", 2: (23.0, 7.0, 30.0), 3: "E", 4: (113.0, 15.0, 54.0)}


def camera_jpeg(*, orientation: int = 6, comment: bytes = b"owner: Zhang San 13800138000") -> bytes:
    """A phone-like JPEG: GPS position, camera serial number, orientation, a comment."""
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SN-0042-7731"
    exif.get_ifd(GPS_IFD).update(GPS)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG", exif=exif, comment=comment)
    return buffer.getvalue()


def upload(data: bytes, name: str = "IMG_20261130_0815.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_camera_jpeg_loses_gps_serial_and_comment_but_keeps_orientation():
    source = Image.open(io.BytesIO(camera_jpeg()))
    assert source.getexif().get_ifd(GPS_IFD) and source.info.get("comment")  # the fixture carries them
    clean = photo_clean(upload(camera_jpeg()))
    data = clean.content.read()
    stored = Image.open(io.BytesIO(data))
    exif = stored.getexif()
    assert dict(exif) == {ORIENTATION_TAG: 6}
    assert not exif.get_ifd(GPS_IFD) and not exif.get_ifd(EXIF_IFD)
    assert "comment" not in stored.info and b"13800138000" not in data and b"SN-0042" not in data
    assert clean.content_type == "image/jpeg"
    assert clean.gps_lng_lat == pytest.approx((113 + 15 / 60 + 54 / 3600, 23 + 7 / 60 + 30 / 3600))


def test_stored_name_is_a_random_token_not_the_client_file_name():
    names = {photo_clean(upload(camera_jpeg())).content.name for _ in range(3)}
    assert len(names) == 3
    for name in names:
        assert "IMG" not in name and name.endswith(".jpg") and len(name.split(".")[0]) >= 20


def test_phone_mpo_is_accepted_as_the_jpeg_of_its_first_frame():
    first, second = Image.new("RGB", (16, 16), "red"), Image.new("RGB", (16, 16), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    clean = photo_clean(upload(buffer.getvalue()))
    stored = Image.open(io.BytesIO(clean.content.read()))
    assert stored.format == "JPEG" and clean.content_type == "image/jpeg"
    assert getattr(stored, "n_frames", 1) == 1
    red, green, blue = stored.convert("RGB").getpixel((8, 8))
    assert red > 200 and blue < 60


@pytest.mark.parametrize("fmt", ["GIF", "TIFF", "BMP"])
def test_other_image_formats_are_refused_by_name(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, fmt)
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(buffer.getvalue(), name=f"x.{fmt.lower()}"))
    assert fmt in str(exc.value) and "JPEG、PNG 和 WebP" in str(exc.value)


def test_a_15_mb_file_is_refused_before_it_is_decoded(settings):
    settings.EVENTS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        photo_clean(upload(b"\xff\xd8" + b"\0" * (15 * 1024 * 1024)))
    assert "每张照片最大 10.0\xa0MB" in exc.value.message_dict["photos"][0]


def test_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="不是可读取的照片"):
        photo_clean(upload(b"GIF89a but not really", name="x.jpg"))


def test_png_with_text_chunks_keeps_alpha_and_loses_the_text():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zhang San, id 440104199001011234")
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (255, 0, 0, 128)).save(buffer, "PNG", pnginfo=info)
    clean = photo_clean(upload(buffer.getvalue(), name="a.png", content_type="image/png"))
    data = clean.content.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.mode == "RGBA" and "Author" not in stored.info
    assert b"440104199001011234" not in data


def test_an_upload_already_read_by_a_form_field_is_read_from_its_start():
    file = upload(camera_jpeg())
    file.read()
    assert photo_clean(file).content.size > 0


def _jpeg_with_exif(exif: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _orientation_exif(field_type: int, count: int, value: bytes, extra: bytes = b"") -> bytes:
    """EXIF (little-endian TIFF) whose one entry is the orientation tag written as ``field_type`` (TIFF 6.0
    types: 2 ASCII, 4 LONG, 5 RATIONAL, 8 SSHORT), as a broken camera or an editor may write it."""
    entry = struct.pack("<HHI", ORIENTATION_TAG, field_type, count) + value
    return b"Exif\0\0II*\0" + struct.pack("<IH", 8, 1) + entry + struct.pack("<I", 0) + extra


@pytest.mark.parametrize(("field_type", "count", "value", "extra"), [
    (2, 4, b"six\0", b""),  # text
    (4, 1, struct.pack("<I", 70000), b""),  # past SHORT
    (5, 1, struct.pack("<I", 26), struct.pack("<II", 6, 0)),  # a rational 6/0
    (8, 1, struct.pack("<hH", -1, 0), b""),  # negative
], ids=["ascii", "long-70000", "rational", "sshort-minus-1"])
def test_an_orientation_that_is_none_of_the_eight_is_dropped_and_the_photo_kept(field_type, count, value, extra):
    """Each was a struct.error writing the kept EXIF back: a 500 on every upload path."""
    clean = photo_clean(upload(_jpeg_with_exif(_orientation_exif(field_type, count, value, extra))))
    assert dict(Image.open(io.BytesIO(clean.content.read())).getexif()) == {}


def test_damaged_exif_costs_the_metadata_not_the_photo():
    """A WebP whose EXIF chunk has a broken TIFF header: getexif() raised SyntaxError, a 500 (found by
    changing bytes of photos at random)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "WEBP", exif=Image.open(io.BytesIO(camera_jpeg())).getexif())
    data = buffer.getvalue()
    header = data.index(b"EXIF") + 8  # chunk name, then its 4-byte size, then the TIFF header (MM or II)
    damaged = data[:header] + b"XX" + data[header + 2:]
    clean = photo_clean(upload(damaged, name="a.webp", content_type="image/webp"))
    out = clean.content.read()
    assert clean.gps_lng_lat is None and b"SN-0042" not in out and b"13800138000" not in out
    assert Image.open(io.BytesIO(out)).size == (40, 30)


def test_16_bit_grey_png_is_scaled_to_8_bits_not_clipped_to_white():
    buffer = io.BytesIO()
    Image.new("I;16", (8, 8), 32768).save(buffer, "PNG")  # mid-grey of 65,535
    clean = photo_clean(upload(buffer.getvalue(), name="scan.png", content_type="image/png"))
    assert Image.open(io.BytesIO(clean.content.read())).getpixel((0, 0)) == 128  # was 255


def test_png_claiming_100000_pixels_square_is_refused_for_its_pixels():
    """Pillow refuses a header this big itself (DecompressionBombError); the message was 'not a photo'."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b""))
    with pytest.raises(ValidationError, match="像素远多于可接受的 40000000 像素"):
        photo_clean(upload(data, name="huge.png", content_type="image/png"))
