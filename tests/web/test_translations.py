"""The Chinese catalogues translate every string (English is the source language)."""

import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "frontend" / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_chinese_catalogue_is_complete(domain):
    result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(LOCALE / f"{domain}.po")],
                            capture_output=True, text=True, check=True)
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_is_up_to_date(domain, tmp_path):
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(LOCALE / f"{domain}.po")], check=True)
    assert compiled.read_bytes() == (LOCALE / f"{domain}.mo").read_bytes()
