"""The console list: search by case number and words, pickers by name, sort, pages, duplicates and merge."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from gridmgmt.cases import services
from gridmgmt.cases.models import Case, Postponement
from gridmgmt.web.console import PAGE_SIZE
from gridmgmt.web.console_filters import filter_cases
from tests.cases.conftest import case_of, make_event, media_in_tmp, users, world  # noqa: F401
from tests.web.test_console_views import as_user, listed, post_step  # noqa: F401

pytestmark = pytest.mark.django_db


def test_search_by_case_number_full_or_sequence_alone(as_user, make_event, case_of):
    a, b = case_of(make_event("A")), case_of(make_event("B"))
    client = as_user("dispatcher")
    assert listed(client.get(f"/console/?q={b.number}")) == [b.pk]
    assert listed(client.get(f"/console/?q={b.pk}")) == [b.pk]
    page = client.get(f"/console/?q={a.number}").content.decode()
    assert f'data-testid="case-number">{a.number}</a>' in page


def test_a_case_number_is_found_however_it_is_typed(as_user, make_event, case_of):
    case_of(make_event("A", description="20"))  # digits alone are also words: this one says "20"
    case = case_of(make_event("B"))
    year, sequence = case.number.split("-")
    client = as_user("dispatcher")
    for typed in (case.number, f"{year}{sequence}", f"{year}-{case.pk}", f"{year}{case.pk:08d}", f" {case.number} ",
                  case.number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),  # full-width IME
                  f"{year} - {sequence}", sequence, str(case.pk)):
        assert listed(client.get("/console/", {"q": typed})) == [case.pk], typed
    assert listed(client.get("/console/", {"q": f"{int(year) - 1}-{sequence}"})) == []  # the year is checked
    assert listed(client.get("/console/", {"q": "9" * 40})) == []  # beyond any id: nothing, not a 500


def test_one_case_number_on_the_pages_in_the_api_and_in_the_inbox(as_user, make_event, case_of, users):
    """Console list and page, department queue and page, the inbox and the API show 2026-000123, never the id."""
    case = case_of(make_event("A"))
    services.case_open(case_id=case.pk, version=case.version, actor=users["call_taker"])
    services.case_dispatch(case_id=case.pk, version=case.version + 1, actor=users["dispatcher"])
    case.refresh_from_db()
    assert re.fullmatch(rf"{timezone.localtime(case.received_at):%Y}-{case.pk:06d}", case.number)
    bare_id = re.compile(rf"(?:\bCase|案卷|#)\s*{case.pk}\b(?!-)")
    for name, paths in (("dispatcher", ["/console/", f"/console/cases/{case.pk}/"]),
                        ("handler1", ["/department/", f"/department/cases/{case.pk}/", "/notifications/"])):
        client = as_user(name)
        for language in ("zh-hans", "en"):
            for path in paths:
                page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
                text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
                assert case.number in text and not bare_id.search(text), (name, language, path)
    assert as_user("dispatcher").get(f"/api/cases/{case.pk}/").json()["number"] == case.number


def test_the_search_indexes_exist_on_the_expressions_the_search_compares():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
                       "('case_description_trgm', 'case_small_class', 'event_address_trgm', 'cases_case_number_key', "
                       "'case_description_bigrams', 'event_address_bigrams')")
        indexes = dict(cursor.fetchall())
    assert "USING gin (upper(description) gin_trgm_ops)" in indexes["case_description_trgm"]
    assert "USING gin (upper((address)::text) gin_trgm_ops)" in indexes["event_address_trgm"]
    assert "(small_class_id)" in indexes["case_small_class"]
    assert "USING gin (gridmgmt_bigrams(description))" in indexes["case_description_bigrams"]
    assert "USING gin (gridmgmt_bigrams((address)::text))" in indexes["event_address_bigrams"]
    assert "UNIQUE INDEX" in indexes["cases_case_number_key"] and "(number)" in indexes["cases_case_number_key"]


WORD_BRANCHES = ["upper(description) ~~", "small_class_id = ANY", "id = ANY", "upper((address)::text) ~~"]
NUMBER = "(number)::text = '2026-000123'::text"


def bitmap_plan(user, typed: str) -> tuple[str, list[str]]:
    """The plan of the search for ``typed`` with sequential and plain index scans priced out, and its
    index conditions; no sequential scan of the cases or the reports is left in it."""
    cases = filter_cases(user=user, data={"q": typed}).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = cases.explain()
    assert "Seq Scan on cases_case" not in plan and "Seq Scan on events_event" not in plan, plan
    return plan, [line for line in plan.splitlines() if "Index Cond:" in line]


@pytest.mark.parametrize("typed, conditions", [
    ("垃圾堆", WORD_BRANCHES),
    ("Exposed rubbish", WORD_BRANCHES),  # one word's branches as a bitmap, the other word filters its rows
    ("2026-000123", [NUMBER]),
    ("2026000123", ["(id = 2026000123)", NUMBER, *WORD_BRANCHES]),
])
def test_every_branch_of_the_search_is_an_index_condition(users, typed, conditions):
    """With sequential and plain index scans priced out, only bitmap scans are left, and a bitmap index
    scan needs an index condition: a branch in a shape no index serves (an OR of per-row subqueries,
    LIKE on a column the index does not hold) would leave a Seq Scan, whatever the table's statistics."""
    plan, index_conditions = bitmap_plan(users["dispatcher"], typed)
    for condition in conditions:
        assert sum(condition in line for line in index_conditions) >= conditions.count(condition), (condition, plan)


BIGRAM_BRANCHES = ["gridmgmt_bigrams(description) @>", "small_class_id = ANY", "id = ANY",
                   "gridmgmt_bigrams((address)::text) @>"]


@pytest.mark.parametrize("typed", ["垃圾", "路灯", "5g"])
def test_a_two_character_word_is_an_index_condition_on_the_bigrams_not_a_trigram_scan(users, typed):
    """Trigrams need 3 characters: for 2, the condition the indexes answer is the bigram containment, and
    the LIKE stays only as the exact re-check, never as the condition of a (whole) trigram index scan."""
    plan, index_conditions = bitmap_plan(users["dispatcher"], typed)
    for condition in BIGRAM_BRANCHES:
        assert any(condition in line for line in index_conditions), (condition, plan)
    assert not any("~~" in line for line in index_conditions), plan
    assert f"'{{{typed.upper()}}}'::text[]" in plan, plan  # the word's side folded to a constant


def test_the_bigrams_are_those_of_the_upper_cased_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT gridmgmt_bigrams('垃圾桶'), gridmgmt_bigrams('5g基站'), gridmgmt_bigrams('灯'), "
                       "gridmgmt_bigrams(''), gridmgmt_bigrams(NULL)")
        assert cursor.fetchone() == (["垃圾", "圾桶"], ["5G", "G基", "基站"], [], [], None)


def test_a_two_character_word_is_found_in_the_description_or_the_address_in_any_case(as_user, make_event, case_of):
    lamp = case_of(make_event("A", description="路灯不亮", address="东风路12号"))
    mast = case_of(make_event("B", description="5G基站噪音"))
    case_of(make_event("A", description="路边灯杆"))  # 路 and 灯, but not 路灯
    client = as_user("dispatcher")
    assert listed(client.get("/console/?q=路灯")) == [lamp.pk]
    assert listed(client.get("/console/?q=东风")) == [lamp.pk]  # the report's address
    assert listed(client.get("/console/?q=5g")) == [mast.pk]


def test_search_by_words_needs_every_word_in_description_class_or_address(as_user, make_event, case_of):
    gate = case_of(make_event("A", description="垃圾堆在东门口", address="东风路12号"))
    other = case_of(make_event("B", description="路灯不亮"))
    client = as_user("dispatcher")
    assert listed(client.get("/console/?q=东门")) == [gate.pk]
    assert listed(client.get("/console/?q=东风路")) == [gate.pk]  # the report's address
    assert sorted(listed(client.get("/console/?q=暴露垃圾"))) == sorted([gate.pk, other.pk])  # class name
    assert listed(client.get("/console/?q=东门 路灯")) == []


def test_class_picker_takes_the_chinese_or_english_name_or_the_code(as_user, make_event, case_of, world):
    world["rubbish"].name_en = "Exposed rubbish"
    world["rubbish"].save()
    case = case_of(make_event("A"))
    client = as_user("dispatcher")
    for typed in ("暴露垃圾", "exposed rubbish", "1101", "市容环境", "11", "暴露垃圾 (zh)"):
        assert listed(client.get("/console/", {"class_code": typed})) == [case.pk], typed


def test_an_unknown_class_or_community_name_is_refused_by_name_not_silently_empty(as_user, make_event):
    make_event("A")
    response = as_user("dispatcher").get("/console/", {"class_code": "不存在的类", "community": "火星社区"})
    assert listed(response) == []
    errors = response.context["form"].errors
    assert "不存在的类" in errors["class_code"][0] and "火星社区" in errors["community"][0]


def test_community_and_department_pickers_by_name(as_user, make_event, case_of, world):
    a, b = case_of(make_event("A")), case_of(make_event("B"))
    Case.objects.filter(pk=b.pk).update(status="dispatched", department=world["d2"])
    client = as_user("dispatcher")
    assert listed(client.get("/console/", {"community": "社区A"})) == [a.pk]
    assert listed(client.get("/console/", {"department": "SW"})) == [b.pk]
    page = client.get("/console/").content.decode()
    assert '<option value="SW">水务局</option>' in page and '<option value="社区A">' in page


def test_columns_sort_both_ways_and_pages_keep_the_sort(as_user, make_event, case_of):
    now = timezone.now()
    cases = [case_of(make_event("A", received_at=now - timedelta(hours=n))) for n in range(PAGE_SIZE + 2)]
    client = as_user("dispatcher")
    newest_first = listed(client.get("/console/"))
    assert newest_first == [c.pk for c in cases[:PAGE_SIZE]]
    oldest_first = client.get("/console/?sort=received")
    assert listed(oldest_first) == [c.pk for c in reversed(cases)][:PAGE_SIZE]
    assert 'aria-sort="ascending"' in oldest_first.content.decode()
    second = client.get("/console/?sort=received&page=2")
    assert listed(second) == [cases[1].pk, cases[0].pk]
    assert "sort=received&amp;page=1" in second.content.decode()
    assert listed(client.get("/console/?sort=-number"))[0] == max(c.pk for c in cases)
    assert listed(client.get("/console/?sort=bogus")) == []  # a bad sort is a form error, not a 500


def test_duplicate_reports_are_flagged_and_merged_from_the_console(as_user, make_event, case_of):
    first = case_of(make_event("A", lng=113.2650))
    second = case_of(make_event("A", lng=113.2651))  # ~10 m away, same class, seconds apart
    far = case_of(make_event("A", lng=113.2690))  # ~400 m away
    client = as_user("call_taker")
    rows = {row["case"].pk: row["duplicates"] for row in client.get("/console/").context["rows"]}
    assert rows == {first.pk: [second.pk], second.pk: [first.pk], far.pk: []}
    page = client.get(f"/console/cases/{first.pk}/")
    assert [c.pk for c in page.context["duplicates"]] == [second.pk]
    other = Case.objects.get(pk=second.pk)
    response = post_step(client, first, f"/console/cases/{first.pk}/merge/",
                         {"other": f"{other.pk}:{other.version}", "note": "same heap"})
    assert [str(m) for m in response.context["messages"]] == [f"重复案卷已合并到案卷 {first.number}。"]
    other.refresh_from_db()
    assert other.status == "merged" and other.merged_into_id == first.pk
    assert first.sources.count() == 2
    assert {row["case"].pk: row["duplicates"] for row in client.get("/console/").context["rows"]}[first.pk] == []


def test_a_malformed_merge_reference_is_refused_and_changes_nothing(as_user, make_event, case_of):
    first, second = case_of(make_event("A")), case_of(make_event("A"))
    response = post_step(as_user("call_taker"), first, f"/console/cases/{first.pk}/merge/", {"other": "x:1"})
    assert response.status_code == 200 and "x:1" in " ".join(str(m) for m in response.context["messages"])
    assert Case.objects.get(pk=second.pk).status == "reported"


def test_pending_postponement_is_marked_in_the_console_and_department_lists(as_user, make_event, case_of, users,
                                                                           world):
    case = case_of(make_event("A"))
    Case.objects.filter(pk=case.pk).update(status="accepted", department=world["d1"],
                                           deadline=timezone.now() + timedelta(days=1))
    Postponement.objects.create(case=case, value=1, unit="working_days", reason="parts",
                                requested_by=users["handler1"], requested_at=timezone.now())
    for name, path in (("dispatcher", "/console/"), ("handler1", "/department/")):
        response = as_user(name).get(path)
        assert [row["pending_postponement"] for row in response.context["rows"]] == [True], name
        assert 'data-testid="postponement-flag"' in response.content.decode()
