from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from gridmgmt.api_params import MAX_INT, code_argument, int_argument
from gridmgmt.areas.models import Community
from gridmgmt.gis.audit import command_via, reason_problem
from gridmgmt.gis.grid_edits import active_grids_by_community, generation_switch_record
from gridmgmt.grids.services import GridGenerationError, grids_generate
from gridmgmt.grids.succession import Succession
from spatial.grid_quality import household_stats


class Command(BaseCommand):
    help = "Generate a grid generation (网格划分) for communities; --activate switches it on."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Every community")
        which.add_argument("--street", type=code_argument(9), help="9-digit street code")
        which.add_argument("--community", type=code_argument(12), help="12-digit community code")
        parser.add_argument("--target-households", type=int_argument(low=1, high=MAX_INT),
                            default=settings.GRID_TARGET_HOUSEHOLDS)
        parser.add_argument("--code-digits", type=int, choices=(2, 3), default=settings.GRID_CODE_SEQUENCE_DIGITS)
        parser.add_argument("--activate", action="store_true", help="Activate the generation (only if it passes)")
        parser.add_argument("--fan-out", action="store_true",
                            help="One Celery task per community when a broker and a worker answer; else serial")
        parser.add_argument("--if-missing", action="store_true", help="Only communities without active grids")
        parser.add_argument("--reason", default="",
                            help="Why the grids change, for the GIS history (with --activate; default: the command)")

    def handle(self, *args, **opts):
        problem = reason_problem(opts["reason"])
        if problem:
            raise CommandError(f"--reason: {problem}; nothing stored")
        communities = Community.objects.order_by("code")
        if opts["street"]:
            communities = communities.filter(street__code=opts["street"])
        elif opts["community"]:
            communities = communities.filter(code=opts["community"])
        if opts["if_missing"]:
            communities = communities.exclude(grids__active=True)
        if not communities.exists():
            if opts["if_missing"]:
                self.stdout.write("grids: every community already has active grids")
                return
            raise CommandError("no community matches the selection")
        # A community without buildings still gets one grid (every point of it lies in a grid), named here;
        # when no selected community has any, there is nothing to divide.
        empty = [f"{c.code} {c.name}" for c in communities.annotate(n=Count("buildings")).filter(n=0)]
        if len(empty) == communities.count():
            raise CommandError(f"no buildings in {', '.join(empty[:5])}{' ...' if len(empty) > 5 else ''}: "
                               "nothing to divide into grids (import buildings first); nothing stored")
        try:
            with transaction.atomic():
                before = active_grids_by_community([c.pk for c in communities]) if opts["activate"] else {}
                report = grids_generate(communities=communities, target_households=opts["target_households"],
                                        code_digits=opts["code_digits"], activate=opts["activate"],
                                        fan_out=opts["fan_out"])
                if opts["activate"]:
                    # The grids changed as surely as by the GIS editor: the history says so, and who ran it.
                    selection = (f"--street {opts['street']}" if opts["street"] else
                                 f"--community {opts['community']}" if opts["community"] else "--all")
                    generation_switch_record(generation=report.generation, before=before,
                                             reason=opts["reason"] or f"generate_grids {selection} --activate",
                                             via=command_via("generate_grids"))
        except GridGenerationError as exc:
            raise CommandError(f"{exc}; nothing stored") from None
        stats = household_stats(report.generation.grids.values_list("households", flat=True))
        state = "active" if opts["activate"] else "inactive (activate with grid_activate)"
        self.stdout.write(
            f"grids: generation {report.generation.pk} {state}: {report.grids} grids in {report.communities} "
            f"communities; households min {stats['min']:.0f}, median {stats['median']:.0f}, "
            f"max {stats['max']:.0f}, CV {stats['cv']:.3f}")
        for line in report.oversize_buildings:
            self.stdout.write(f"oversize building (own grid): {line}")
        for line in empty:
            self.stdout.write(f"no buildings (one grid of 0 households covers it): community {line}")
        report.generation.refresh_from_db(fields=["succession"])
        for line in Succession.from_json(report.generation.succession).lines():
            self.stdout.write(line)
