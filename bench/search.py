"""Benchmark of the console's case search: by number and by words, with the indexes and without.

Usage: ``.venv/bin/python bench/search.py [--cases 100000] [--samples 30]``

How it measures:

* Prepares its own database (``gridmgmt_bench_search`` on the project cluster,
  or ``BENCH_DATABASE_URL``) with bench/intake.py's areas (16 communities,
  one grid each) and, when it holds fewer than ``--cases`` cases, imports the
  missing ones through the bulk intake (``events_import_csv``, which makes a
  case of every report): hotline reports with a synthetic Chinese
  description (a place, a problem and a detail from short lists, seeded) and
  an address (a Yuexiu road name and a house number), of the catalogue's
  event classes that ask for no attribute. Then ``VACUUM (ANALYZE)``. Kept between runs.
* One search = what the console list does for ``?q=`` as a district-wide
  dispatcher: :func:`gridmgmt.web.console_filters.filter_cases`, sorted
  newest first, the page's count and its first 50 rows (Django's Paginator),
  timed on the client around both queries.
* Kinds of search, ``--samples`` different texts each: a full number
  (2026-000123), the number without its dash, the sequence alone, a rare
  address (road + house number, 4+ characters), a word of 3+ characters
  (a problem, about 1 case in 12), and a 2-character word (a place, about 1
  in 16: trigrams need 3 characters, so it is found through the bigram
  indexes of gridmgmt.text_bigrams).
* Each text is searched with the planner's choice ("indexes") and with
  ``enable_indexscan``, ``enable_bitmapscan`` and ``enable_indexonlyscan``
  off ("sequential"), alternately, after one warm-up of each; p50 and p95
  in milliseconds side by side with the ratio, and the mean number of
  matching cases; then the scans the planner chose for each kind's first
  page (which indexes it used). Prints the machine's load average: other work on the
  same cores shows in the figures. Not a test.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("BENCH_DATABASE_URL",
                      f"postgis://gridmgmt@/gridmgmt_bench_search?host={REPO / '.pgdata' / 'run'}")
from intake import ensure_database, prepare, random_point  # noqa: E402  (after the database is chosen)

PLACES = ["东门", "西门", "南门", "北门", "菜市场", "小学门口", "公交站", "停车场", "垃圾站", "天桥下", "地铁口",
          "巷口", "公园", "医院旁", "骑楼下", "河涌边"]
PROBLEMS = ["垃圾堆积", "污水外溢", "路灯不亮", "井盖缺失", "占道经营", "违章停车", "噪音扰民", "树木倒伏",
            "道路积水", "墙面脱落", "乱贴广告", "共享单车乱停"]
DETAILS = ["已有三天", "影响通行", "居民多次反映", "晚上尤其严重", "需尽快处理", "气味很大", "有安全隐患", ""]
ROADS = ["中山五路", "北京路", "东风中路", "解放北路", "越秀南路", "环市东路", "法政路", "惠福东路", "大德路",
         "文德路", "仓边路", "德政北路", "越华路", "小北路", "豪贤路", "建设六马路"]
PAGE = 50
SEQUENTIAL = ("SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off")
PLANNER = "RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan"


def fill(cases: int) -> None:
    """Imports hotline reports (each a case) until the database holds ``cases`` cases."""
    from django.db import connection

    from gridmgmt.cases.models import Case
    from gridmgmt.events.importing import events_import_csv
    from gridmgmt.events.models import SmallClass

    have = Case.objects.count()
    if have >= cases:
        return
    if have == 0:
        prepare()  # areas, catalogue (truncates reports and cases: there are none)
    codes = [c.code for c in SmallClass.objects.filter(active=True, big_class__kind="event")
             if not any(a.get("required") for a in c.attributes)]  # a report could not give their values
    rng = random.Random(20261130 + have)
    buffer = io.StringIO()
    buffer.write("ticket_id,lat,lng,service_code,description,address\n")
    for i in range(cases - have):
        lat, lng = random_point(rng)
        description = f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，{rng.choice(DETAILS)}"
        address = f"越秀区{rng.choice(ROADS)}{rng.randrange(1, 400)}号"
        buffer.write(f"S{have}-{i},{lat:.6f},{lng:.6f},{rng.choice(codes)},{description},{address}\n")
    buffer.seek(0)
    start = time.perf_counter()
    result = events_import_csv(text=buffer, channel="hotline")
    print(f"imported {result.created:,} reports with their cases in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) events_event, cases_case, cases_caseevent, events_smallclass")


def texts(samples: int) -> dict[str, list[str]]:
    """``samples`` search texts of each kind, numbers of existing cases and words that occur."""
    from gridmgmt.cases.models import Case

    rng = random.Random(7)
    numbers = list(Case.objects.order_by("?").values_list("number", flat=True)[:samples])
    words_3 = [p for p in PROBLEMS if len(p) >= 3]
    return {
        "number 2026-000123": numbers,
        "number 2026000123": [n.replace("-", "") for n in numbers],
        "sequence 123": [str(int(n.split("-")[1])) for n in numbers],
        "address road+no.": [f"{rng.choice(ROADS)}{rng.randrange(1, 400)}号" for _ in range(samples)],
        "word 3+ chars": [words_3[i % len(words_3)] for i in range(samples)],
        "word 2 chars": [PLACES[i % 4] for i in range(samples)],  # 东门 西门 南门 北门
    }


def search_once(user, text: str) -> tuple[float, int]:
    """One console search: (milliseconds for the count and the first page, cases found)."""
    from django.core.paginator import Paginator

    from gridmgmt.web.console_filters import filter_cases, sorted_cases

    start = time.perf_counter()
    page = Paginator(sorted_cases(filter_cases(user=user, data={"q": text}), "-received"), PAGE).get_page(1)
    list(page.object_list)
    return (time.perf_counter() - start) * 1000, page.paginator.count


def measure(user, items: list[str]) -> dict[str, tuple[list[float], list[int]]]:
    from django.db import connection

    times = {"indexes": [], "sequential": []}
    found = []
    with connection.cursor() as cursor:
        for setting in (PLANNER, SEQUENTIAL):  # a warm-up of each
            cursor.execute(setting)
            search_once(user, items[0])
        for text in items:
            for mode, setting in (("indexes", PLANNER), ("sequential", SEQUENTIAL)):
                cursor.execute(setting)
                elapsed, count = search_once(user, text)
                times[mode].append(elapsed)
            found.append(count)
        cursor.execute(PLANNER)
    return {"times": times, "found": found}


def indexes_used(user, text: str) -> str:
    """The indexes (or sequential scans) the planner picks for the page's query of ``text``."""
    import re

    from gridmgmt.web.console_filters import filter_cases, sorted_cases

    plan = sorted_cases(filter_cases(user=user, data={"q": text}), "-received")[:PAGE].explain()
    scans = re.findall(r"(Seq Scan on \w+|Index(?: Only)? Scan(?: Backward)? using \w+|Bitmap Index Scan on \w+)", plan)
    return ", ".join(dict.fromkeys(s for s in scans if "smallclass" not in s and "department" not in s))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from gridmgmt.accounts.models import Role, RoleAssignment
    from gridmgmt.cases.models import Case

    call_command("migrate", verbosity=0)
    fill(args.cases)
    user, _ = get_user_model().objects.get_or_create(username="bench-dispatcher")
    RoleAssignment.objects.get_or_create(user=user, role=Role.DISPATCHER)
    print(f"cases: {Case.objects.count():,}; load average {os.getloadavg()[0]:.2f}; "
          f"{args.samples} texts a kind, count + first page of {PAGE} newest")
    print(f"{'search':22} {'found':>8} | {'indexes p50':>11} {'p95':>7} | {'sequential p50':>14} {'p95':>7} | "
          f"{'p50 ratio':>9}")
    plans = []
    for kind, items in texts(args.samples).items():
        result = measure(user, items)
        indexed, sequential = result["times"]["indexes"], result["times"]["sequential"]
        ratio = statistics.median(sequential) / statistics.median(indexed)
        print(f"{kind:22} {statistics.mean(result['found']):8.0f} | {statistics.median(indexed):9.1f}ms "
              f"{p95(indexed):5.1f}ms | {statistics.median(sequential):12.1f}ms {p95(sequential):5.1f}ms | "
              f"{ratio:8.1f}x")
        plans.append(f"  {kind}: {indexes_used(user, items[0])}")
    print("the planner's scans for the first page of the first text of each kind:", *plans, sep="\n")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
