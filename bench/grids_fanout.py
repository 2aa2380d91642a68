"""Benchmark: ``generate_grids --fan-out`` on 1 and 2 Celery workers against the serial run, ≥ 20,000 grids.

Usage: ``.venv/bin/python bench/grids_fanout.py [--replicas 10] [--workers 1 2] [--batch-buildings 500]``

Prepares its own database (``gridmgmt_bench_fanout`` on the project cluster,
or ``BENCH_FANOUT_DATABASE_URL``) the way ``bench/grids.py`` does (migrate,
the Yuexiu demo without grids), then replicates the demo district
``--replicas`` times side by side (as ``bench/dashboard.py`` replicates its
grids, but here the districts, streets, communities and buildings, so there is
something to partition): 10 replicas are 2,220 communities and about 21,000
grids. Copies are districts ``45kk04`` (k = 1 … replicas − 1) shifted east
by the district's width; they are rebuilt on every run.

Then ``manage.py generate_grids --all`` runs serially, and with
``--fan-out`` on a real Celery worker (prefork pool, ``--concurrency`` 1,
then 2) started by the bench on a queue of its own, over Redis database 11 on
the local server (``BENCH_FANOUT_BROKER`` to change); a task partitions a
batch of communities of at least ``--batch-buildings`` buildings
(``gridmgmt.grids.tasks.BATCH_BUILDINGS``; 1 = one community per task).
Per run it prints wall time of the whole command, of the partition phase
(the part the workers take; with the time the tasks themselves took, summed
from the worker's log, the rest being messages and waiting) and of the other
steps (inputs, payloads, codes, storing, the invariant check: serial in every
mode), grids, the load average before the run (the machine may be shared),
the speed-up against the serial run and against 1 worker, whether the grids
are identical to the serial run's (community, polygon bit for bit,
households, in order), and a hash of the partitioner's sources (the work
tree may change under a long run). Each generation is deleted after it has
been compared. Not a test.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_FANOUT_DATABASE_URL", f"postgis://gridmgmt@/gridmgmt_bench_fanout?host={REPO / '.pgdata' / 'run'}")
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_FANOUT_BROKER", "redis://127.0.0.1:6379/11")
os.environ["CELERY_RESULT_BACKEND"] = os.environ["CELERY_BROKER_URL"]
os.environ["GRIDMGMT_CELERY_QUEUE"] = f"bench-fanout-{os.getpid()}"

from bench.grids import prepare  # noqa: E402  (sets DATABASE_URL from BENCH_DATABASE_URL above)

DEMO_DISTRICT = "440104"


def copy_code(k: int) -> str:
    return f"45{k:02d}04"


def replicate(replicas: int) -> int:
    """Districts, streets, communities and buildings of the demo, ``replicas`` − 1 more times; returns communities.

    Every earlier generation and copy is deleted first (the database is the bench's own).
    """
    from django.db import connection, transaction

    from gridmgmt.areas.models import Building, Community, District, Street
    from gridmgmt.grids.models import Grid, GridGeneration

    with transaction.atomic():
        Grid.objects.all().delete()
        GridGeneration.objects.all().delete()
        Building.objects.filter(source="bench-copy").delete()
        Community.objects.exclude(code__startswith=DEMO_DISTRICT).delete()
        Street.objects.exclude(code__startswith=DEMO_DISTRICT).delete()
        District.objects.exclude(code=DEMO_DISTRICT).delete()
        min_x, _, max_x, _ = District.objects.get(code=DEMO_DISTRICT).boundary.extent
        with connection.cursor() as cursor:
            for k in range(1, replicas):
                params = {"code": copy_code(k), "dx": k * (max_x - min_x), "demo": DEMO_DISTRICT, "k": k}
                cursor.execute("""
                    INSERT INTO areas_district (code, name, name_en, boundary, boundary_version, boundary_valid_from)
                    SELECT %(code)s, name || ' ' || %(k)s, name_en, ST_Translate(boundary, %(dx)s, 0), 1,
                           boundary_valid_from
                    FROM areas_district WHERE code = %(demo)s""", params)
                cursor.execute("""
                    INSERT INTO areas_street (code, name, name_en, boundary, boundary_version, boundary_valid_from,
                                              district_id, population)
                    SELECT %(code)s || substr(s.code, 7), s.name, s.name_en, ST_Translate(s.boundary, %(dx)s, 0), 1,
                           s.boundary_valid_from, (SELECT id FROM areas_district WHERE code = %(code)s), s.population
                    FROM areas_street s WHERE s.code LIKE %(demo)s || '%%'""", params)
                cursor.execute("""
                    INSERT INTO areas_community (code, name, name_en, boundary, boundary_version,
                                                 boundary_valid_from, street_id)
                    SELECT %(code)s || substr(c.code, 7), c.name, c.name_en, ST_Translate(c.boundary, %(dx)s, 0), 1,
                           c.boundary_valid_from, s.id
                    FROM areas_community c JOIN areas_street s ON s.code = %(code)s || substr(c.code, 7, 3)
                    WHERE c.code LIKE %(demo)s || '%%'""", params)
                cursor.execute("""
                    INSERT INTO areas_building (community_id, location, footprint, households, households_source,
                                                population, address, source, source_id)
                    SELECT copy.id, ST_Translate(b.location, %(dx)s, 0), ST_Translate(b.footprint, %(dx)s, 0),
                           b.households, b.households_source, b.population, b.address, 'bench-copy',
                           %(k)s || ':' || b.id
                    FROM areas_building b
                    JOIN areas_community c ON c.id = b.community_id AND c.code LIKE %(demo)s || '%%'
                    JOIN areas_community copy ON copy.code = %(code)s || substr(c.code, 7)""", params)
    return Community.objects.count()


class Phases:
    """Wraps steps of the generation service to time them, and tells whether the workers took the partition."""

    STEPS = {"community_inputs": "inputs", "_partitions": "partition", "_refuse_failing": "check"}

    def __init__(self):
        from gridmgmt.grids import services

        self.seconds: dict[str, float] = {}
        self.fanned = False
        for name, step in self.STEPS.items():
            setattr(services, name, self._timed(step, getattr(services, name)))
        original_many = services.partition_many

        def many(*args, **kwargs):
            self.fanned = True
            return original_many(*args, **kwargs)

        services.partition_many = many

    def _timed(self, step, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - started

        return timed

    def reset(self) -> None:
        self.seconds, self.fanned = {}, False


def code_fingerprint() -> str:
    """A hash of the partitioner's sources: the worker loads them when it starts, this process once.

    The work tree may be edited while the bench runs (shared by several
    people); grids compared across a change of these files may differ for
    that reason alone.
    """
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*REPO.glob("spatial/*.py"), *REPO.glob("gridmgmt/grids/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run(label: str, phases: Phases, fan_out: bool) -> dict:
    from io import StringIO

    import shapely
    from django.core.management import call_command

    from gridmgmt.grids.models import Grid, GridGeneration

    phases.reset()
    load, code = os.getloadavg(), code_fingerprint()
    out = StringIO()
    started = time.perf_counter()
    call_command("generate_grids", "--all", *(["--fan-out"] if fan_out else []), stdout=out)
    wall = time.perf_counter() - started
    generation = GridGeneration.objects.latest("id")
    # Codes differ between generations (a code is never reused), so compare places and households.
    grids = [(community, shapely.from_wkb(bytes(polygon.wkb)).wkb, households)
             for community, polygon, households in generation.grids.order_by("community__code", "sequence")
             .values_list("community__code", "polygon", "households")]
    Grid.objects.filter(generation=generation).delete()
    generation.delete()
    if fan_out and not phases.fanned:
        raise SystemExit(f"{label}: the command ran serially (no worker answered); stopping")
    return {"label": label, "wall_s": wall, "partition_s": phases.seconds["partition"], "steps": phases.seconds,
            "grids": grids, "load": load,
            "code": code if code == code_fingerprint() else "changed", "summary": out.getvalue().strip().splitlines()[0]}


class Worker:
    """A Celery worker (prefork, ``concurrency`` processes) on the bench's own queue, for a ``with`` block."""

    def __init__(self, concurrency: int):
        self.concurrency = concurrency
        self.name = f"{os.environ['GRIDMGMT_CELERY_QUEUE']}-{concurrency}@localhost"

    def __enter__(self):
        import tempfile

        from gridmgmt.celery import app

        # The worker's log (INFO: one line per task with its run time), to sum the time spent in tasks.
        self.log = tempfile.NamedTemporaryFile(prefix="bench_fanout_worker_", suffix=".log")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "gridmgmt", "worker", "--pool", "prefork",
             "--concurrency", str(self.concurrency), "-Q", os.environ["GRIDMGMT_CELERY_QUEUE"], "-n", self.name,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
             "--logfile", self.log.name],
            cwd=REPO, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not app.control.ping(destination=[self.name], timeout=0.5):
            if self.process.poll() is not None:
                raise SystemExit(f"worker did not start: {Path(self.log.name).read_text()[-2000:]}")
            if time.monotonic() > deadline:
                self.__exit__()
                raise SystemExit("worker did not answer within 120 s")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()

    def task_seconds(self) -> float:
        """The run times of the tasks that succeeded, summed (from the worker's log)."""
        import re

        text = Path(self.log.name).read_text(errors="replace")
        return sum(float(s) for s in re.findall(r"partition_communities\[[^\]]+\] succeeded in ([0-9.]+)s", text))


def print_table(rows: list[dict]) -> None:
    serial = rows[0]
    one = next((r for r in rows if r["label"] == "1 worker"), None)
    print(f"\n{'':36}" + "".join(f"{r['label']:>16}" for r in rows))
    lines = [
        ("load average before (1/5/15 min)", lambda r: "/".join(f"{x:.1f}" for x in r["load"])),
        ("grids", lambda r: f"{len(r['grids']):,}"),
        ("wall, whole command (s)", lambda r: f"{r['wall_s']:.1f}"),
        ("wall, partition phase (s)", lambda r: f"{r['partition_s']:.1f}"),
        ("  of which in the tasks, summed (s)", lambda r: f"{r['task_s']:.1f}" if "task_s" in r else "-"),
        ("wall, reading inputs (s)", lambda r: f"{r['steps']['inputs']:.1f}"),
        ("wall, invariant check (s)", lambda r: f"{r['steps']['check']:.1f}"),
        ("wall, rest: payloads/codes/store (s)", lambda r: f"{r['wall_s'] - sum(r['steps'].values()):.1f}"),
        ("speed-up vs serial, whole command", lambda r: f"{serial['wall_s'] / r['wall_s']:.2f}x"),
        ("speed-up vs serial, partition phase", lambda r: f"{serial['partition_s'] / r['partition_s']:.2f}x"),
        ("grids identical to serial", lambda r: "yes" if r["grids"] == serial["grids"] else "NO"),
        ("grids identical to 1 worker", lambda r: "-" if one is None else "yes" if r["grids"] == one["grids"] else "NO"),
        ("sources (spatial/, grids/) hash", lambda r: r["code"]),
    ]
    for label, cell in lines:
        print(f"{label:36}" + "".join(f"{cell(r):>16}" for r in rows))
    for row in rows:
        if one is not None and row["label"].endswith("workers"):
            print(f"  speed-up {row['label']} vs 1 worker: whole command {one['wall_s'] / row['wall_s']:.2f}x, "
                  f"partition phase {one['partition_s'] / row['partition_s']:.2f}x")
    if len({r["code"] for r in rows}) > 1:
        print("  the sources changed between or during runs (see the hash): a difference may be that alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=10, help="copies of the demo district (default 10: ~21k grids)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker concurrencies (default 1 2)")
    parser.add_argument("--batch-buildings", type=int, default=None,
                        help="buildings per task at least (default gridmgmt.grids.tasks.BATCH_BUILDINGS)")
    args = parser.parse_args()
    if not 1 <= args.replicas <= 99:
        parser.error("--replicas must be 1 to 99 (district codes 4501 … 4599)")
    print(f"{os.cpu_count()} CPUs; broker {os.environ['CELERY_BROKER_URL']}, queue {os.environ['GRIDMGMT_CELERY_QUEUE']}")
    started = time.perf_counter()
    prepare(load_demo=True)
    from gridmgmt.grids import tasks

    if args.batch_buildings is not None:
        tasks.BATCH_BUILDINGS = max(1, args.batch_buildings)
    print(f"tasks: batches of at least {tasks.BATCH_BUILDINGS} buildings")
    communities = replicate(args.replicas)
    print(f"database ready: {communities:,} communities ({args.replicas} × the demo) in "
          f"{time.perf_counter() - started:.0f} s")
    phases = Phases()
    rows = [run("serial", phases, fan_out=False)]
    print(f"  serial: {rows[-1]['summary']}", flush=True)
    for concurrency in args.workers:
        label = f"{concurrency} worker{'s' if concurrency > 1 else ''}"
        with Worker(concurrency) as worker:
            rows.append(run(label, phases, fan_out=True))
            rows[-1]["task_s"] = worker.task_seconds()
        print(f"  {label}: {rows[-1]['summary']}", flush=True)
    print_table(rows)


if __name__ == "__main__":
    main()
