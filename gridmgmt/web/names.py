"""Names of catalogue and area records (classes, departments, streets, communities) in the reader's language.

Records carry ``name`` (Chinese, official) and ``name_en`` (blank when no
English name is known). In English the English name is shown; without one
the Chinese name is shown and marked as such, so a reader sees why.
"""

from collections.abc import Mapping
from types import SimpleNamespace

from django.utils.html import format_html
from django.utils.translation import get_language, gettext


def name_in_language(record, language: str | None = None) -> tuple[str, bool]:
    """(name to show, True if it is the Chinese fallback in an English page). ``record`` may be None, a
    record or a mapping with ``name`` and ``name_en``."""
    if record is None:
        return "", False
    if isinstance(record, Mapping):  # a selector's plain row, e.g. the report catalogue's classes
        record = SimpleNamespace(name=record["name"], name_en=record.get("name_en", ""))
    language = language or get_language() or "zh-hans"
    if language.startswith("en"):
        english = getattr(record, "name_en", "")
        return (english, False) if english else (record.name, True)
    return record.name, False


def local_name(record, language: str | None = None) -> str:
    """Plain text (CSV, options): the English name, or the Chinese one followed by "(zh)"."""
    name, fallback = name_in_language(record, language)
    return f"{name} (zh)" if fallback else name


def local_name_html(record) -> str:
    """HTML: the Chinese fallback is wrapped in ``<span lang="zh-Hans" class="untranslated">``."""
    name, fallback = name_in_language(record)
    if fallback:
        return format_html('<span lang="zh-Hans" class="untranslated" title="{}">{}</span>',
                           gettext("No English name known"), name)
    return format_html("{}", name)
