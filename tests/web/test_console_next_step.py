"""The console case page says who acts next, and after a department's 退回 neither re-offers that department
nor hides why it came back."""

import pytest
from django.utils import timezone

from gridmgmt.cases import services, ways_back
from tests.cases.conftest import case_of, make_event, media_in_tmp, users, world  # noqa: F401
from tests.web.test_console_views import as_user  # noqa: F401

pytestmark = pytest.mark.django_db


def page(client, case, language="en"):
    client.cookies["django_language"] = language
    return client.get(f"/console/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_reported_case_tells_the_dispatcher_the_call_centre_registers_it_first(as_user, make_event, case_of):
    case = case_of(make_event("A"))
    html = page(as_user("dispatcher"), case)
    assert "Next: Call-taker or Shift leader must register it (立案) or cancel it as invalid (注销)." in html
    assert 'data-testid="dispatch-form"' not in html
    assert "下一步：由受理员或值班长立案或作无效注销。" in page(as_user("dispatcher"), case, "zh-hans")


def test_an_opened_case_names_the_dispatcher(as_user, users, make_event, case_of):
    case = case_of(make_event("A"))
    services.case_open(case_id=case.pk, version=case.version, actor=users["shift_leader"])
    assert "Next: Shift leader or Dispatcher must dispatch it to a department (派遣)." in page(as_user("dispatcher"), case)


def test_after_a_return_the_form_preselects_no_department_and_shows_the_reason(as_user, users, make_event, case_of,
                                                                               world):
    case = case_of(make_event("A"))
    case = services.case_open(case_id=case.pk, version=case.version, actor=users["shift_leader"])
    routed = case.suggested_department
    assert routed == world["d1"]
    html = page(as_user("dispatcher"), case)
    assert f'<option value="{routed.code}" selected>' in html and 'data-testid="returned-reason"' not in html
    case = services.case_dispatch(case_id=case.pk, version=case.version, actor=users["dispatcher"])
    ways_back.case_return(case_id=case.pk, version=case.version, actor=users["handler1"], reason="这是水务的事")
    html = page(as_user("dispatcher"), case)
    assert " selected>" not in html.split('id="dispatch-department"')[1].split("</select>")[0]
    assert 'id="dispatch-department" data-routed="' in html and " required>" in html
    day = timezone.localdate().isoformat()
    assert f"on {day} as not theirs: 这是水务的事" in html.split('data-testid="returned-reason">')[1]
