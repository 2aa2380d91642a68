"""R8: notices, e-mails and refusals in the reader's language, every time in Asia/Shanghai.

A notice is stored as its English template and parameters, so the one row
reads in Chinese to a zh-hans reader and in English to an en reader; an
e-mail goes out in the recipient's remembered language (sign-in or the
language switch). The R8 case: a case due 16:00 Beijing time (08:00 UTC)
whose dispatch notice, warning, overdue notice, escalation and e-mails all
say 16:00.
"""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from gridmgmt.accounts.language import reader_language
from gridmgmt.accounts.models import ReadingLanguage
from gridmgmt.cases.deadlines import cases_check_deadlines
from gridmgmt.cases.models import Notification, NotificationKind
from gridmgmt.cases.notifications import KIND_LABELS
from tests.cases.test_jurisdiction import dispatched
from tests.factories import PASSWORD, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_at_16(world, make_event, case_of, client_as, clock, settings):
    """A case dispatched Mon 2026-03-02 09:00 Beijing time with 5 working hours: 09:00–12:00 and
    14:00–16:00, so due 16:00 (08:00 UTC). E-mails are sent when the transaction commits."""
    settings.CASE_NOTIFY_BY_EMAIL = True
    world["rubbish"].time_limit_value, world["rubbish"].time_limit_unit = 5, "working_hours"
    world["rubbish"].save()
    clock(at(2026, 3, 2, 9))
    case = dispatched(case_of(make_event("A")), client_as)
    assert case.deadline == at(2026, 3, 2, 16)
    return case


def page_client(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def mails_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def test_one_notice_reads_in_each_readers_language_on_the_page_and_in_the_api(due_at_16, users, client_as):
    note = Notification.objects.get(user=users["handler1"], kind="new_task", case=due_at_16)
    zh_page = page_client(users["handler1"], "zh-hans").get("/notifications/").content.decode()
    en_page = page_client(users["handler1"], "en").get("/notifications/").content.decode()
    assert "已派遣至 城管局，2026-03-02 16:00 到期" in zh_page and "dispatched to" not in zh_page
    assert "dispatched to 城管局, due 2026-03-02 16:00" in en_page and "已派遣至" not in en_page

    api = client_as("handler1")
    en = api.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    zh = api.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert [n["id"] for n in en] == [n["id"] for n in zh] == [note.pk]
    assert en[0]["message"] == f"Case {due_at_16.number} ({due_at_16.small_class}) dispatched to 城管局, due 2026-03-02 16:00"
    assert zh[0]["message"] == f"案件 {due_at_16.number}（{due_at_16.small_class}）已派遣至 城管局，2026-03-02 16:00 到期"
    assert en[0]["created_at"].endswith("+08:00")  # the API's times are Beijing time too


def test_the_language_switch_and_sign_in_choose_the_language_of_e_mails(users, world):
    assert reader_language(users["head1"]) == "zh-hans"  # nothing chosen: the site's language
    switcher = page_client(users["head1"], "zh-hans")
    switcher.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    assert reader_language(users["head1"]) == "en"
    switcher.post("/i18n/setlang/", {"language": "xx"})  # not offered: ignored, as Django's switch does
    assert reader_language(users["head1"]) == "en"

    signing_in = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert signing_in.post("/accounts/login/", {"username": "handler2", "password": PASSWORD}).status_code == 302
    assert ReadingLanguage.objects.get(user=users["handler2"]).language == "zh-hans"


def test_r8_due_16_00_beijing_every_notice_and_e_mail_says_16_00_in_the_readers_language(
        due_at_16, users, clock, django_capture_on_commit_callbacks):
    ReadingLanguage.objects.create(user=users["head1"], language="en")
    number = due_at_16.number
    clock(at(2026, 3, 2, 15, 30))  # 0.5 working hours left
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_check_deadlines().warned == 1
    warning = Notification.objects.get(user=users["handler1"], kind="deadline_near")
    assert warning.message == f"案件 {number}：剩余 0.5 个工作小时，2026-03-02 16:00 到期"
    (warning_mail,) = mails_to(users["handler1"])
    assert warning_mail.body == warning.message and warning_mail.subject == "[gridmgmt] 临近期限"

    clock(at(2026, 3, 2, 16, 5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_check_deadlines().overdue == 1
    overdue = Notification.objects.get(user=users["handler1"], kind="overdue")
    assert overdue.message == f"案件 {number} 已于 2026-03-02 16:00 超期"
    (head_mail,) = mails_to(users["head1"])  # the head is escalated to, in English
    assert head_mail.subject == "[gridmgmt] Escalated (督办)"
    assert head_mail.body == (f"Follow up (督办): case {number} ({due_at_16.small_class}) at 城管局 is overdue "
                              "since 2026-03-02 16:00")
    (leader_note,) = Notification.objects.filter(user=users["shift_leader"], kind="escalated")
    assert "2026-03-02 16:00 超期" in leader_note.message
    every_text = [m.body for m in mail.outbox] + list(Notification.objects.values_list("message", flat=True))
    assert every_text and not [text for text in every_text if "08:00" in text]

    inbox = page_client(users["handler1"], "en").get("/notifications/").content.decode()
    assert f"Case {number} is overdue since 2026-03-02 16:00" in inbox
    assert f"Case {number}: 0.5 working hours left, due 2026-03-02 16:00" in inbox


def test_a_refusal_reads_in_the_callers_language_on_the_api_and_the_page(make_event, case_of, client_as, users):
    case = case_of(make_event("A"))
    api = client_as("call_taker")
    en = api.post(f"/api/cases/{case.pk}/cancel/", {"version": 1}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    zh = api.post(f"/api/cases/{case.pk}/cancel/", {"version": 1}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert en.status_code == zh.status_code == 400
    assert en.json()["detail"] == f"case {case.pk}: cancelling needs a reason."
    assert zh.json()["detail"] == f"案件 {case.pk}：作废需要填写原因。"
    page = page_client(users["call_taker"], "zh-hans").post(
        f"/console/cases/{case.pk}/cancel/", {"version": 1}, follow=True).content.decode()
    assert f"案件 {case.pk}：作废需要填写原因。" in page and "needs a reason" not in page


def test_a_stored_notice_whose_parameters_no_longer_fit_shows_the_text_it_was_sent_with(users):
    from gridmgmt.cases.notifications import notification_text

    note = Notification.objects.create(user=users["handler1"], kind="overdue", message="案件 X 已超期",
                                       template="Case %(number)s is overdue since %(due)s", params={"number": "X"})
    assert notification_text(note) == "案件 X 已超期"
    assert "案件 X 已超期" in page_client(users["handler1"], "en").get("/notifications/").content.decode()


def test_every_kind_of_notice_has_an_e_mail_subject_in_both_languages():
    assert set(KIND_LABELS) == set(NotificationKind)
    with translation.override("zh-hans"):
        assert str(KIND_LABELS[NotificationKind.GRID_CHANGED]) == "网格变更"
