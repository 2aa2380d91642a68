import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.api_params import MAX_ID, MAX_INT, int_argument
from gridmgmt.grids.models import GridGeneration
from gridmgmt.grids.selectors import grid_quality_report, grid_workload


class Command(BaseCommand):
    help = ("Check every grid invariant of the active grids, or of one generation with --generation "
            "(tiling, buildings, household cap), and report "
            "counts, household balance, compactness, road alignment and grids to split or merge. "
            "Exits 1 when an invariant fails.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--target-households", type=int_argument(low=1, high=MAX_INT),
                            default=settings.GRID_TARGET_HOUSEHOLDS)
        parser.add_argument("--generation", type=int_argument(low=1, high=MAX_ID), help="A generation, active or not (checked against its own cap)")

    def handle(self, *args, **opts):
        target = opts["target_households"]
        generation = None
        if opts["generation"] is not None:
            generation = GridGeneration.objects.filter(pk=opts["generation"]).first()
            if generation is None:
                raise CommandError(f"no grid generation {opts['generation']}")
        report = grid_quality_report(target_households=target, generation=generation).as_dict()
        # Workload is about the active grids as buildings change; a generation is judged on its own.
        report["workload"] = grid_workload(target_households=target) if generation is None else []
        if opts["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if not report["ok"]:
            raise SystemExit(1)

    def _print(self, report: dict) -> None:
        hh, pp, roads = report["households"], report["polsby_popper"], report["road_alignment"]
        self.stdout.write(f"grids: {report['grids']} in {report['communities']} communities")
        if hh:
            self.stdout.write(f"households per grid: min {hh['min']:.0f}, median {hh['median']:.0f}, "
                              f"max {hh['max']:.0f}, CV {hh['cv']:.3f}")
            self.stdout.write(f"compactness (Polsby-Popper): min {pp['min']:.3f}, median {pp['median']:.3f}")
        if roads:
            share = sum(roads.values()) / len(roads)
            self.stdout.write(f"road alignment: {share:.1%} of internal boundaries within 5 m of a road, "
                              f"waterway or railway (mean over {len(roads)} communities with any)")
        for item in report["workload"]:
            extra = f" with {item['merge_with']}" if item["merge_with"] else ""
            self.stdout.write(f"workload: {item['action']} {item['code']} ({item['households']} households){extra}")
        for code, problems in report["violations"].items():
            for problem in problems:
                self.stdout.write(f"VIOLATION {code}: {problem}")
        self.stdout.write("invariants: all hold" if report["ok"] else
                          f"invariants: {len(report['violations'])} communities fail")
