"""Opening text files people bring (CSV from Excel, JSON catalogues) whatever their encoding.

Excel in China saves CSV as GBK (code page 936); Windows tools add a UTF-8
byte-order mark. Without ``encoding`` the file's start decides: a BOM
(UTF-8, UTF-16) wins, else UTF-8 if the first MiB reads as UTF-8, else
GB18030 (a superset of GBK and GB2312). A byte the chosen encoding cannot
read raises :class:`TextFileError` naming the file, the encoding and the
``--encoding`` option, never a ``UnicodeDecodeError`` traceback.
"""

import codecs
import io
from contextlib import contextmanager
from pathlib import Path

SNIFF_BYTES = 1 << 20
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class TextFileError(ValueError):
    """The file cannot be read as text; the message says which option to use."""


def detect_encoding(head: bytes) -> str:
    """The encoding of a file starting with ``head`` (see the module docstring)."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sniffed bytes
            return "gb18030"
    return "utf-8"


def _refusal(path, encoding: str, exc: UnicodeDecodeError | None = None) -> TextFileError:
    where = f" (byte {exc.start} of a chunk: {exc.object[exc.start:exc.start + 4]!r})" if exc else ""
    return TextFileError(f"{path}: cannot be read as {encoding}{where}; save it as UTF-8, or name its "
                         f"encoding with --encoding (e.g. --encoding gbk, --encoding utf-8)")


def check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise TextFileError(f"unknown encoding {name!r} for --encoding (e.g. utf-8, gbk, gb18030)") from None


@contextmanager
def open_text(path: str | Path, *, encoding: str | None = None, newline: str | None = ""):
    """A text stream of ``path``; decoding errors while it is read become :class:`TextFileError`."""
    raw = open(path, "rb")  # noqa: SIM115 (closed below)
    try:
        chosen = check_encoding(encoding) if encoding else detect_encoding(raw.read(SNIFF_BYTES))
        if chosen == "utf-8" and encoding is None:
            chosen = "utf-8-sig"
        raw.seek(0)
        stream = io.TextIOWrapper(raw, encoding=chosen, errors="strict", newline=newline)
        try:
            yield stream
        except UnicodeDecodeError as exc:
            raise _refusal(path, chosen, exc) from None
    finally:
        raw.close()


def read_text(path: str | Path, *, encoding: str | None = None) -> str:
    with open_text(path, encoding=encoding, newline=None) as stream:
        return stream.read()
