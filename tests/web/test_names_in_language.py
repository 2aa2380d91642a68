"""Names in the reader's language: the catalogue's names are distinct and English where known; pages show them."""

import pytest
from django.core.management import call_command

from gridmgmt.areas.models import Department
from gridmgmt.cases.models import Case
from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.web.names import local_name
from tests.cases.conftest import case_of, make_event, media_in_tmp, users, world  # noqa: F401
from tests.web.test_console_views import as_user  # noqa: F401

pytestmark = pytest.mark.django_db


def test_catalogue_big_classes_have_distinct_names_in_both_languages(db):
    call_command("load_catalogue", stdout=open("/dev/null", "w"))
    names = list(BigClass.objects.values_list("name", flat=True))
    english = list(BigClass.objects.values_list("name_en", flat=True))
    assert len(set(names)) == len(names) and len(set(english)) == len(english)
    assert BigClass.objects.get(code="03").name != BigClass.objects.get(code="11").name
    assert not SmallClass.objects.filter(name_en="").exists()
    assert not Department.objects.filter(name_en="").exists()


def test_english_name_when_known_else_the_chinese_marked(world):
    world["d1"].name_en = "Urban Management Bureau"
    assert local_name(world["d1"], "en") == "Urban Management Bureau"
    assert local_name(world["d1"], "zh-hans") == "城管局"
    assert local_name(world["d2"], "en") == "水务局 (zh)"  # no English name known


def test_english_console_shows_english_class_and_department_names(as_user, make_event, case_of, world):
    world["rubbish"].name_en = "Exposed rubbish"
    world["rubbish"].save()
    world["d1"].name_en = "Urban Management Bureau"
    world["d1"].save()
    case = case_of(make_event("A"))
    Case.objects.filter(pk=case.pk).update(status="dispatched", department=world["d1"])
    client = as_user("dispatcher")
    client.cookies["django_language"] = "en"
    listing = client.get("/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Exposed rubbish" in listing and "Urban Management Bureau" in listing
    assert '<option value="SW">水务局 (zh)</option>' in listing  # the picker marks the Chinese fallback
    assert "<option value=\"SW\"><span" not in listing  # no markup inside an option
    detail = client.get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Exposed rubbish" in detail and "暴露垃圾" not in detail
    Case.objects.filter(pk=case.pk).update(department=world["d2"])
    marked = client.get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span lang="zh-Hans" class="untranslated" title="No English name known">水务局</span>' in marked
