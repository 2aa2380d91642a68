"""Benchmark of sensor readings from MQTT into the database, beside Mosquitto's own throughput.

Usage: ``.venv/bin/python bench/sensors.py [--readings 30000] [--sensors 500] [--batch-size 2000] [--qos 0 1]``

Prepares its own database (``gridmgmt_bench_sensors`` on the project
cluster, or ``BENCH_SENSORS_DATABASE_URL``) with one square community and
grid, the monitoring classes and ``--sensors`` PM2.5 sensors, and starts its
own Mosquitto on a free port. For each QoS of the publishing sensors (0 and
1 by default) the same pre-encoded messages (one reading each, 0.6 % of them
above the 75 µg/m³ limit so episodes open and close and events are created)
are published twice, by two publisher processes:

1. to a subscriber that only counts them: Mosquitto + paho's own throughput;
2. to :class:`gridmgmt.sensors.mqtt.MqttConsumer`, which stores them
   (hourly rows, episodes) in batches and opens the episodes' events.

Prints both rates (readings/s from the first publish to the last received,
or to the last stored with every episode's event open), their ratio, the
target (≥ 2,000 readings/s), the CPU time of this process per 1,000
readings on each path (the consumer's cost, less sensitive than the rates
to what else the machine runs), the load average before and after, and the
bytes the hourly table and the reading keys keep per reading. Then the
last pass's messages are published again at QoS 1 (a device resending, a
redelivery): all must be counted as duplicates with the hourly rows
unchanged, and their rate is printed as "again". Takes about a minute on an
idle 2-CPU machine. Not a test.
"""

import argparse
import json
import multiprocessing
import os
import resource
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SOCKET_DIR = REPO / ".pgdata" / "run"
BENCH_DB = os.environ.get("BENCH_SENSORS_DATABASE_URL",
                          f"postgis://gridmgmt@/gridmgmt_bench_sensors?host={SOCKET_DIR}")
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
# The exceedances below come 500 s apart per sensor, within the 30 minutes that resume an episode: with no
# resume window each opens its episode and event, which is the work to measure.
os.environ.setdefault("GRIDMGMT_SENSOR_EPISODE_RESUME_MINUTES", "0")
TARGET_PER_S = 2000
PUBLISHERS = 2  # sensors publish independently; one Python publisher alone was the bottleneck at QoS 1


def create_database(url: str = BENCH_DB) -> None:
    """The benchmark database at ``url`` with PostGIS, created when missing."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    where = {"user": config["USER"], "host": config["HOST"] or config["OPTIONS"].get("host"),
             "port": config["PORT"] or None}
    admin = psycopg2.connect(dbname="postgres", **where)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
    bench = psycopg2.connect(dbname=config["NAME"], **where)
    bench.autocommit = True
    with bench.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    bench.close()


def world(n_sensors: int) -> list[str]:
    """A one-grid district, the catalogue's monitoring classes and ``n_sensors`` PM2.5 sensors; their codes."""
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from django.db import connection

    from gridmgmt.areas.models import Community, Department, District, Street
    from gridmgmt.events.catalogue import catalogue_load, catalogue_read
    from gridmgmt.grids.models import Grid, GridGeneration
    from gridmgmt.sensors.services import sensor_create

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sensors_sensorhour, sensors_sensorepisode, sensors_sensorreadingkey, sensors_sensor "
                       "CASCADE")
        cursor.execute("UPDATE sensors_sensor SET open_episode_id = NULL")
    catalogue_load(data=catalogue_read())
    square = Polygon.from_bbox((113.26, 23.12, 113.28, 23.14))
    district, _ = District.objects.get_or_create(code="440104", defaults={"name": "越秀区",
                                                                          "boundary": MultiPolygon(square)})
    street, _ = Street.objects.get_or_create(code="440104001", defaults={
        "name": "洪桥街道", "district": district, "boundary": MultiPolygon(square)})
    community, _ = Community.objects.get_or_create(code="440104001001", defaults={
        "name": "一社区", "street": street, "boundary": MultiPolygon(square)})
    if not Grid.objects.filter(code="44010400100101", active=True).exists():
        generation = GridGeneration.objects.create(target_households=200, code_digits=2)
        Grid.objects.create(generation=generation, community=community, code="44010400100101", sequence=1,
                            polygon=square, households=200, residents=500, area_m2=4.6e6, active=True)
    Department.objects.get_or_create(code="STHJ", defaults={"name": "生态环境局"})
    codes = []
    for i in range(n_sensors):
        code = f"bench-pm25-{i}"
        sensor_create(code=code, kind="pm25", location=Point(113.261 + (i % 50) * 0.0003,
                                                             23.121 + (i // 50) * 0.0003, srid=4326))
        codes.append(code)
    return codes


def messages(codes: list[str], n: int, *, passes_after: int = 0) -> list[tuple[str, bytes]]:
    """``n`` readings round-robin over the sensors, 10 s apart per sensor, ending before now by as many
    such spans as ``passes_after`` (an earlier pass of the same run must end before the next one starts).

    Every tenth sensor goes above the limit for 3 readings in every 50 (0.6 %
    of readings): episodes open, last, close, and open events.
    """
    span = 10 * (n // len(codes) + 2)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=span * (1 + passes_after))
    out = []
    for i in range(n):
        sensor, step = codes[i % len(codes)], i // len(codes)
        index = i % len(codes)
        value = 120.0 if index % 10 == 0 and step % 50 < 3 else 30.0 + (i % 17)
        payload = json.dumps({"value": value, "time": (start + timedelta(seconds=10 * step)).isoformat()})
        out.append((f"gridmgmt/sensors/{sensor}/readings", payload.encode()))
    return out


def _publish(port: int, batch: list[tuple[str, bytes]], started, qos: int) -> None:
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    started.value = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
    infos = [client.publish(topic, payload, qos=qos) for topic, payload in batch]
    for info in infos:
        info.wait_for_publish(timeout=120)
    client.disconnect()
    client.loop_stop()


def publish(port: int, batch: list[tuple[str, bytes]], qos: int, publishers: int):
    """Publish from ``publishers`` child processes (no GIL shared with the consumer), each a fixed set of
    sensors so every sensor's readings stay in order; returns them and a start-time reader."""
    context = multiprocessing.get_context("fork")
    starts = [context.Value("d", 0.0) for _ in range(publishers)]
    processes = [context.Process(target=_publish, args=(port, batch[k::publishers], starts[k], qos))
                 for k in range(publishers)]
    for process in processes:
        process.start()
    return processes, lambda: min(v.value for v in starts)


def broker_only(port: int, batch: list[tuple[str, bytes]], qos: int) -> float:
    """Readings/s through Mosquitto to a subscriber that only counts them."""
    import paho.mqtt.client as mqtt

    from gridmgmt.sensors.mqtt import TOPIC

    received, done, subscribed = [0], threading.Event(), threading.Event()
    finished = {}

    def on_message(client, userdata, msg):
        received[0] += 1
        if received[0] == len(batch):
            finished["t"] = time.perf_counter()
            done.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_connect = lambda c, *_: c.subscribe(TOPIC, qos=1)
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.loop_start()
    subscribed.wait(10)
    publishers, started = publish(port, batch, qos, PUBLISHERS)
    done.wait(300)
    for publisher in publishers:
        publisher.join()
    client.disconnect()
    client.loop_stop()
    if received[0] != len(batch):
        raise SystemExit(f"broker-only run received {received[0]} of {len(batch)} messages")
    return len(batch) / (finished["t"] - started())


def into_database(port: int, batch: list[tuple[str, bytes]], batch_size: int, qos: int):
    """Readings/s from the first publish to the last stored, and the consumer's report."""
    from gridmgmt.sensors.mqtt import MqttConsumer

    consumer = MqttConsumer(port=port, batch_size=batch_size)
    consumer.start()
    publishers, started = publish(port, batch, qos, PUBLISHERS)
    report = consumer.run(max_readings=len(batch), idle_exit_s=30)
    ended = time.perf_counter()
    for publisher in publishers:
        publisher.join()
    return len(batch) / (ended - started()), report, consumer.store_failures


def cpu_seconds() -> float:
    """CPU time of this process, all its threads (not the publishers, which are child processes)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=30_000, help="per QoS level")
    parser.add_argument("--sensors", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--qos", type=int, nargs="+", choices=(0, 1), default=[0, 1],
                        help="QoS of the publishing sensors, one pass each")
    args = parser.parse_args()

    create_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from gridmgmt.sensors.broker_process import mosquitto_running

    call_command("migrate", verbosity=0)
    codes = world(args.sensors)
    load_before = os.getloadavg()
    print(f"{args.readings:,} readings per QoS level from {args.sensors} sensors, batch size {args.batch_size}, "
          f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f} (1 min) {load_before[1]:.2f} (5 min)")
    print(f"{'QoS':<4} {'Mosquitto alone/s':>18} {'into PostGIS/s':>15} {'ratio':>6} "
          f"{'CPU ms/1000 alone':>18} {'CPU ms/1000 stored':>19}  target ≥ {TARGET_PER_S:,}/s")
    reports = []
    with mosquitto_running() as port:
        for done, qos in enumerate(args.qos):
            batch = messages(codes, args.readings, passes_after=len(args.qos) - 1 - done)
            cpu = cpu_seconds()
            broker_rate = broker_only(port, batch, qos)
            cpu_alone, cpu = cpu_seconds() - cpu, cpu_seconds()
            db_rate, report, lost = into_database(port, batch, args.batch_size, qos)
            cpu_stored = cpu_seconds() - cpu
            reports.append((qos, report, lost))
            print(f"{qos:<4} {broker_rate:>18,.0f} {db_rate:>15,.0f} {db_rate / broker_rate:>6.2f} "
                  f"{cpu_alone / len(batch) * 1e6:>18.0f} {cpu_stored / len(batch) * 1e6:>19.0f}  "
                  f"{'met' if db_rate >= TARGET_PER_S else 'NOT met'}", flush=True)
        hours_before = _hour_totals()
        db_rate, again, lost = into_database(port, batch, args.batch_size, 1)
        print(f"{'1 again':<4} {'':>18} {db_rate:>15,.0f}   all duplicates: "
              f"{'yes' if again.duplicates == len(batch) and again.accepted == 0 else 'NO'}, hourly rows unchanged: "
              f"{'yes' if _hour_totals() == hours_before else 'NO'}", flush=True)
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} (1 min) {load_after[1]:.2f} (5 min) on {os.cpu_count()} CPUs")
    for qos, report, lost in reports:
        print(f"QoS {qos} stored: {report.summary()}; events opened {len(report.event_ids)} (one per episode: "
              f"{'yes' if len(report.event_ids) == report.episodes_opened else 'NO'}); "
              f"readings in failed store attempts (kept, stored again) {lost}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), pg_total_relation_size('sensors_sensorhour') FROM sensors_sensorhour")
        hour_rows, hour_bytes = cursor.fetchone()
        cursor.execute("SELECT count(*), pg_total_relation_size('sensors_sensorreadingkey') FROM sensors_sensorreadingkey")
        key_rows, key_bytes = cursor.fetchone()
    total = args.readings * len(args.qos)
    print(f"hourly table: {hour_rows:,} rows, {hour_bytes / total:.1f} bytes per reading (with indexes)")
    print(f"reading keys (kept {settings.SENSOR_MAX_READING_AGE_DAYS} days): {key_rows:,} rows, "
          f"{key_bytes / total:.1f} bytes per reading (with indexes)")


def _hour_totals() -> list[tuple]:
    from gridmgmt.sensors.models import SensorHour

    return list(SensorHour.objects.order_by("sensor_id", "hour").values_list("count", "value_sum", "exceeding_count"))


if __name__ == "__main__":
    main()
