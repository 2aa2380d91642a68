"""`make run`'s Procfile: web, Celery worker and beat start together, the deadline job runs under beat
without anyone starting it, and all three stop together.

Real processes through honcho on the test database and the real Redis broker
(a queue of this test's own, so no other worker takes its tasks); beat is
told to run the job every second instead of every five minutes.
"""

import os
import re
import signal
import subprocess
import time
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from gridmgmt.cases.models import Case, Notification
from tests.cases.test_jurisdiction import dispatched
from tests.test_runserver_connections import REPO, database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def group_alive(pid: int) -> bool:
    """Whether any process is left in the group honcho started ``pid`` in (its children: runserver, pool workers)."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def web_health(port: int) -> int | None:
    """/healthz's status once runserver answers (it checks and loads the project first), None after 60 s."""
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    return None


def test_run_starts_web_worker_and_beat_the_deadline_job_runs_and_all_stop_together(
        make_event, case_of, client_as, tmp_path):
    case = dispatched(case_of(make_event("A")), client_as)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(hours=1))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_CONN_MAX_AGE", "GRIDMGMT_ENV")}
    env.update(DJANGO_DEBUG="1", DATABASE_URL=database_url(), GRIDMGMT_PORT=str(port),
               GRIDMGMT_DEADLINE_CHECK_SECONDS="1", GRIDMGMT_CELERY_QUEUE=f"test-procfile-{os.getpid()}",
               GRIDMGMT_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"))
    log = open(tmp_path / "honcho.log", "w+")
    honcho = subprocess.Popen([str(REPO / ".venv/bin/honcho"), "start", "--procfile", "Procfile"], cwd=REPO, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # Overdue may come from the check run at start; wait for beat's own scheduled send too.
        while time.monotonic() < deadline and not (
                Case.objects.get(pk=case.pk).overdue_at
                and "Sending due task cases-check-deadlines" in (tmp_path / "honcho.log").read_text()):
            time.sleep(1)
        assert Case.objects.get(pk=case.pk).overdue_at, (tmp_path / "honcho.log").read_text()[-3000:]
        assert Notification.objects.filter(case_id=case.pk, kind="overdue").exists()
        assert web_health(port) == 200, (tmp_path / "honcho.log").read_text()[-3000:]
    finally:
        honcho.send_signal(signal.SIGTERM)
        honcho.wait(timeout=60)
    output = (tmp_path / "honcho.log").read_text()
    pids = {name: int(pid) for name, pid in re.findall(r"(web|worker|beat)\.1 started \(pid=(\d+)\)", output)}
    assert set(pids) == {"web", "worker", "beat"}
    assert re.search(r"Task gridmgmt\.cases\.tasks\.check_deadlines\[[\w-]+\] succeeded", output)
    assert "Scheduler: Sending due task cases-check-deadlines" in output
    assert stopped_within(pids, seconds=15) == []


def stopped_within(pids: dict[str, int], *, seconds: float) -> list[str]:
    """The names whose process groups still have a process after ``seconds`` (pool children exit last)."""
    deadline = time.monotonic() + seconds
    while (left := [name for name, pid in pids.items() if group_alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
