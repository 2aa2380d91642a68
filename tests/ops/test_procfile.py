"""`make run`'s Procfile: web, Celery worker, beat and the MQTT consumer start together, the deadline job
runs under beat without anyone starting it, a sensor reading published to Mosquitto is stored, and all four
stop together.

Real processes through honcho on the test database, the real Redis broker
(a queue of this test's own, so no other worker takes its tasks) and a
Mosquitto of the test's own; beat is told to run the job every second
instead of every five minutes.
"""

import os
import re
import signal
import subprocess
import time
import urllib.request
from datetime import timedelta

import paho.mqtt.client as mqtt
import pytest
from django.utils import timezone

from gridmgmt.cases.models import Case, Notification
from gridmgmt.sensors.broker_process import mosquitto_running
from gridmgmt.sensors.models import SensorHour
from gridmgmt.sensors.services import sensor_create
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


def publish_reading(port: int, sensor_code: str, value: float) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.publish(f"gridmgmt/sensors/{sensor_code}/readings", f'{{"value": {value}}}', qos=1).wait_for_publish(10)
    client.disconnect()
    client.loop_stop()


@pytest.fixture
def broker_port():
    with mosquitto_running() as port:
        yield port


def test_run_starts_web_worker_beat_and_mqtt_the_deadline_job_runs_readings_arrive_and_all_stop_together(
        make_event, case_of, client_as, tmp_path, world, broker_port):
    case = dispatched(case_of(make_event("A")), client_as)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(hours=1))
    sensor, _ = sensor_create(code="air-procfile", kind="pm25", location=world["A"]["grid"].polygon.point_on_surface)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_CONN_MAX_AGE", "GRIDMGMT_ENV")}
    env.update(DJANGO_DEBUG="1", DATABASE_URL=database_url(), GRIDMGMT_PORT=str(port),
               GRIDMGMT_DEADLINE_CHECK_SECONDS="1", GRIDMGMT_CELERY_QUEUE=f"test-procfile-{os.getpid()}",
               GRIDMGMT_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"), GRIDMGMT_MQTT_PORT=str(broker_port),
               GRIDMGMT_MQTT_CLIENT_ID=f"test-procfile-{os.getpid()}")
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
        # The consumer's persistent session keeps the reading even if it subscribes after the publish.
        while time.monotonic() < deadline and "consuming gridmgmt/sensors" not in (tmp_path / "honcho.log").read_text():
            time.sleep(0.5)
        publish_reading(broker_port, sensor.code, 31.5)
        while time.monotonic() < deadline and not SensorHour.objects.filter(sensor=sensor).exists():
            time.sleep(0.5)
        assert SensorHour.objects.get(sensor=sensor).value_max == 31.5, (tmp_path / "honcho.log").read_text()[-3000:]
    finally:
        honcho.send_signal(signal.SIGTERM)
        honcho.wait(timeout=60)
    output = (tmp_path / "honcho.log").read_text()
    pids = {name: int(pid) for name, pid in re.findall(r"(web|worker|beat|mqtt)\.1 started \(pid=(\d+)\)", output)}
    assert set(pids) == {"web", "worker", "beat", "mqtt"}
    assert re.search(r"Task gridmgmt\.cases\.tasks\.check_deadlines\[[\w-]+\] succeeded", output)
    assert "Scheduler: Sending due task cases-check-deadlines" in output
    assert stopped_within(pids, seconds=15) == []


def stopped_within(pids: dict[str, int], *, seconds: float) -> list[str]:
    """The names whose process groups still have a process after ``seconds`` (pool children exit last)."""
    deadline = time.monotonic() + seconds
    while (left := [name for name, pid in pids.items() if group_alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
