"""The desk pages in English leave no Chinese untranslated: only names marked as Chinese and glossary terms.

Allowed Chinese: an element marked ``lang="zh-Hans"`` (the language button,
a name with no English one known), a name in an option followed by "(zh)",
and a Chinese term glossed in parentheses after its English, e.g.
"Opened (立案)". Anything else is a string that escaped translation.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gridmgmt.cases.models import Case, Notification, Postponement
from tests.cases.conftest import case_of, make_event, media_in_tmp, users, world  # noqa: F401
from tests.web.test_console_views import as_user  # noqa: F401

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
ALLOWED = [
    re.compile(r'<(\w+)[^>]*\blang="zh-Hans"[^>]*>.*?</\1>', re.S),  # marked Chinese
    re.compile(r"[\u3400-\u9fff]+ \(zh\)"),  # a Chinese fallback name in an option
    re.compile(r"\([\u3400-\u9fff]+\)"),  # a glossed term
    re.compile(r"<script.*?</script>", re.S),
    re.compile(r"<style.*?</style>", re.S),
]


def untranslated(html: str) -> list[str]:
    body = html[html.index("<body"):]
    for pattern in ALLOWED:
        body = pattern.sub(" ", body)
    text = re.sub(r"<[^>]+>", " ", body)
    return sorted({line.strip() for line in text.splitlines() if CJK.search(line)})


@pytest.fixture
def english_world(world, users):
    for record, english in ((world["rubbish"], "Exposed rubbish"), (world["rubbish"].big_class, "City appearance"),
                            (world["d1"], "Urban Management Bureau"), (world["d2"], "Water Affairs Bureau"),
                            (world["A"]["street"], "Street A"), (world["B"]["street"], "Street B"),
                            (world["A"]["community"], "Community A"), (world["B"]["community"], "Community B")):
        record.name_en = english
        record.save()
    return world


def test_console_case_kpi_and_inbox_pages_have_no_untranslated_chinese(as_user, english_world, make_event, case_of,
                                                                      users):
    case = case_of(make_event("A", description="rubbish by the gate"))
    Case.objects.filter(pk=case.pk).update(status="accepted", department=english_world["d1"],
                                           deadline=timezone.now() + timedelta(days=1))
    Postponement.objects.create(case=case, value=2, unit="working_days", reason="parts",
                                requested_by=users["handler1"], requested_at=timezone.now())
    Notification.objects.create(user=users["shift_leader"], kind="postponement", case=case, message="case asks")
    client = as_user("shift_leader")
    client.cookies["django_language"] = "en"
    for path in ("/console/", f"/console/cases/{case.pk}/", "/console/kpis/?dimension=department&start=2026-01-01"
                 "&end=2026-12-31", "/console/kpis/?dimension=street&start=2026-01-01&end=2026-12-31",
                 "/notifications/", "/console/?class_code=Exposed+rubbish"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, path
        assert untranslated(response.content.decode()) == [], path


def test_the_hotline_intake_offers_the_classes_by_their_english_names(as_user, english_world):
    client = as_user("call_taker")
    client.cookies["django_language"] = "en"
    page = client.get("/intake/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert untranslated(page) == [] and "Exposed rubbish" in page and "City appearance" in page


def test_the_checker_sees_chinese_text_when_there_is_some(as_user, english_world):
    client = as_user("shift_leader")
    client.cookies["django_language"] = "zh-hans"
    assert "案卷" in " ".join(untranslated(client.get("/console/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()))
