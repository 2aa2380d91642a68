"""Benchmark: reading and importing OSM extracts, as XML and as PBF, time and peak memory.

Usage: ``.venv/bin/python bench/osm_import.py [--no-import] [--no-previous] [DIR]``

For every extract in ``DIR`` (default ``../shared/data/osm``) the bench
converts the file to PBF itself (pyosmium's ``SimpleWriter``), then measures,
each in a fresh Python process so one run's memory never counts in another's:

- ``read``: ``spatial.osm_reader.read_extract`` (one pass, what ``import_osm``
  reads), for the file as given (XML, bz2-compressed or plain) and as PBF;
- ``import``: the whole ``manage.py import_osm`` (read + write in one
  transaction) into its own database (``gridmgmt_bench_osm`` on the project
  cluster, or ``BENCH_DATABASE_URL``), for both formats;
- ``previous``: the reader this project had before (osmnx ``features_from_xml``,
  one parse per feature kind), taken from git at commit 5099753, XML only,
  reading the same features, for comparison.

With ``--replicate N`` it also builds, from the largest extract, a file of N
copies side by side (ids offset, each copy shifted east by its own width) as
PBF and as plain XML, and reads both: memory should grow with the content,
N times the single copy's, not with a multiple of the file size.

Per run it prints wall and CPU time, peak resident memory (``ru_maxrss`` of
the process), the memory added by the run (peak less the process's peak
after imports, before reading), and that increase against the file size on
disk and against the uncompressed XML. Not a test: nothing is asserted.
"""

import argparse
import bz2
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "data" / "osm"
PREVIOUS_COMMIT = "5099753"
BENCH_DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", f"postgis://gridmgmt@/gridmgmt_bench_osm?host={REPO / '.pgdata' / 'run'}")


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def child(mode: str, path: str) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    sys.path.insert(0, str(REPO))
    if mode == "previous":
        sys.path.insert(0, os.environ["BENCH_PREVIOUS_PATH"])
        from spatial import osm_reader  # the previous reader, from git

        def run():
            buildings = osm_reader.read_buildings(path)
            roads = osm_reader.read_roads(path)
            osm_reader.read_health_pois(path)
            return {"buildings": len(buildings), "roads": len(roads)}
    elif mode == "read":
        from spatial.osm_reader import read_extract

        def run():
            extract = read_extract(path)
            return {"buildings": len(extract.buildings), "roads": len(extract.roads)}
    else:
        os.environ["DATABASE_URL"] = BENCH_DB_URL
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
        import django

        django.setup()
        from gridmgmt.areas.models import Building, HealthFacility, Road
        from gridmgmt.areas.osm_import import osm_import

        Building.objects.all().delete()
        Road.objects.all().delete()
        HealthFacility.objects.all().delete()

        def run():
            report = osm_import(path=path)
            return {"buildings": report.buildings, "roads": report.roads}
    baseline_kb = _peak_kb()
    wall, cpu = time.perf_counter(), time.process_time()
    counts = run()
    print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                      "peak_kb": _peak_kb(), "baseline_kb": baseline_kb, **counts}))


def measure(mode: str, path: Path, env: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode:
        # The exception's own line: the last one not indented (a traceback's carets are).
        lines = [line for line in done.stderr.splitlines() if line.strip() and not line[0].isspace()]
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def to_pbf(source: Path, target: Path) -> float:
    import osmium

    started = time.perf_counter()
    processor = osmium.FileProcessor(str(source))
    # The header carries the <bounds>, as in a PBF from an extract service.
    with osmium.SimpleWriter(str(target), header=processor.header) as writer:
        for element in processor:
            writer.add(element)
    return time.perf_counter() - started


def replicate(source: Path, copies: int, targets: list[Path]) -> None:
    """Write ``copies`` tiles of ``source`` side by side to each target (PBF or XML by suffix)."""
    import osmium

    min_lng, max_lng = 180.0, -180.0
    for element in osmium.FileProcessor(str(source), osmium.osm.NODE):
        min_lng, max_lng = min(min_lng, element.location.lon), max(max_lng, element.location.lon)
    width = max_lng - min_lng
    offset = 10 ** 11  # above any OSM id, so the copies never share one
    for target in targets:
        with osmium.SimpleWriter(str(target)) as writer:
            for entity in (osmium.osm.NODE, osmium.osm.WAY, osmium.osm.RELATION):  # sorted: nodes, ways, relations
                for copy in range(copies):
                    shift = copy * offset
                    for element in osmium.FileProcessor(str(source), entity):
                        if element.is_node():
                            location = (element.location.lon + copy * width, element.location.lat)
                            writer.add(element.replace(id=element.id + shift, location=location))
                        elif element.is_way():
                            writer.add(element.replace(id=element.id + shift,
                                                       nodes=[node.ref + shift for node in element.nodes]))
                        else:
                            members = [(m.type, m.ref + shift, m.role) for m in element.members]
                            writer.add(element.replace(id=element.id + shift, members=members))


def xml_size(path: Path) -> int:
    if path.suffix == ".bz2":
        with bz2.open(path, "rb") as handle:
            return sum(len(block) for block in iter(lambda: handle.read(1 << 20), b""))
    return path.stat().st_size


def prepare_database() -> None:
    env = dict(os.environ, DATABASE_URL=BENCH_DB_URL, DJANGO_SETTINGS_MODULE="gridmgmt.settings")
    script = (
        "import django, psycopg2; from django.conf import settings; db = settings.DATABASES['default'];"
        "c = psycopg2.connect(dbname='postgres', user=db['USER'], host=db['HOST'], port=db.get('PORT') or None,"
        " password=db.get('PASSWORD')); c.autocommit = True; k = c.cursor();"
        "k.execute('SELECT 1 FROM pg_database WHERE datname = %s', [db['NAME']]);"
        "k.fetchone() or k.execute('CREATE DATABASE \"%s\"' % db['NAME'])")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=REPO)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, env=env, cwd=REPO)


def previous_reader(tmp: Path) -> Path:
    package = tmp / "previous" / "spatial"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for name in ("osm_reader.py", "osm_households.py"):
        text = subprocess.run(["git", "show", f"{PREVIOUS_COMMIT}:spatial/{name}"], capture_output=True, text=True,
                              check=True, cwd=REPO).stdout
        (package / name).write_text(text)
    return package.parent


def row(label: str, result: dict, size: int, xml: int) -> str:
    if "error" in result:
        return f"  {label:<9} failed: {result['error']}"
    added_mb = (result["peak_kb"] - result["baseline_kb"]) / 1024
    return (f"  {label:<9} {result['wall_s']:7.2f} s wall {result['cpu_s']:7.2f} s CPU   peak {result['peak_kb'] / 1024:6.1f} MB"
            f"   +{added_mb:6.1f} MB = {added_mb * 2**20 / size:5.1f}× file, {added_mb * 2**20 / xml:4.2f}× XML"
            f"   {result['buildings']} buildings, {result['roads']} roads")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--no-import", action="store_true", help="Measure reading only (no database)")
    parser.add_argument("--no-previous", action="store_true", help="Skip the previous (osmnx) reader")
    parser.add_argument("--replicate", type=int, default=0, metavar="N",
                        help="Also read N copies of the largest extract side by side (XML and PBF)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    extracts = sorted(p for p in Path(args.dir).iterdir() if p.name.endswith((".osm", ".osm.bz2", ".osm.pbf")))
    if not args.no_import:
        prepare_database()
    tmp = Path(tempfile.mkdtemp(prefix="bench_osm_"))
    env = dict(os.environ)
    if not args.no_previous:
        env["BENCH_PREVIOUS_PATH"] = str(previous_reader(tmp))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; each run in a fresh process; "
          "+MB = peak RSS less the process's peak before reading")
    try:
        for path in extracts:
            pbf = tmp / (path.name.removesuffix(".bz2").removesuffix(".osm") + ".osm.pbf")
            convert_s = to_pbf(path, pbf)
            xml = xml_size(path)
            print(f"\n{path.name}: {path.stat().st_size / 1024:.0f} kB on disk, {xml / 1024:.0f} kB as XML, "
                  f"{pbf.stat().st_size / 1024:.0f} kB as PBF (converted in {convert_s:.2f} s)")
            runs = [("read XML", "read", path), ("read PBF", "read", pbf)]
            if not args.no_previous:
                runs.append(("previous", "previous", path))
            if not args.no_import:
                runs += [("import XML", "import", path), ("import PBF", "import", pbf)]
            for label, mode, file in runs:
                print(row(label, measure(mode, file, env), file.stat().st_size, xml), flush=True)
        if args.replicate:
            largest = max(extracts, key=lambda p: xml_size(p))
            stem = largest.name.removesuffix(".bz2").removesuffix(".osm")
            tiled = [tmp / f"{stem}_x{args.replicate}.osm.pbf", tmp / f"{stem}_x{args.replicate}.osm"]
            replicate(largest, args.replicate, tiled)
            xml = tiled[1].stat().st_size
            print(f"\n{largest.name} × {args.replicate} side by side: {xml / 2**20:.1f} MB as XML, "
                  f"{tiled[0].stat().st_size / 2**20:.1f} MB as PBF")
            for label, file in (("read XML", tiled[1]), ("read PBF", tiled[0])):
                print(row(label, measure("read", file, env), file.stat().st_size, xml), flush=True)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
