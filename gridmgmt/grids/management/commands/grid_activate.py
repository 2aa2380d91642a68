from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gridmgmt.api_params import MAX_ID, int_argument
from gridmgmt.gis.audit import command_via, reason_problem
from gridmgmt.gis.grid_edits import active_grids_by_community, generation_switch_record
from gridmgmt.grids.models import GridGeneration
from gridmgmt.grids.services import GridGenerationError, grid_generation_activate
from gridmgmt.grids.succession import Succession


class Command(BaseCommand):
    help = ("Activate a grid generation: its communities switch to its grids atomically. "
            "A generation failing the invariant check is refused.")

    def add_arguments(self, parser):
        parser.add_argument("generation", type=int_argument(low=1, high=MAX_ID))
        parser.add_argument("--reason", default="", help="Why the grids change, for the GIS history "
                                                         "(default: the command)")

    def handle(self, *args, **opts):
        problem = reason_problem(opts["reason"])
        if problem:
            raise CommandError(f"--reason: {problem}; nothing activated")
        generation = GridGeneration.objects.filter(pk=opts["generation"]).first()
        if generation is None:
            raise CommandError(f"no grid generation {opts['generation']}")
        try:
            with transaction.atomic():
                before = active_grids_by_community(set(generation.grids.values_list("community_id", flat=True)))
                count = grid_generation_activate(generation=generation)
                generation_switch_record(generation=generation, before=before, via=command_via("grid_activate"),
                                         reason=opts["reason"] or f"grid_activate {generation.pk}")
        except GridGenerationError as exc:
            raise CommandError(f"{exc}; nothing activated") from None
        self.stdout.write(f"generation {generation.pk}: {count} grids active")
        generation.refresh_from_db(fields=["succession"])
        for line in Succession.from_json(generation.succession).lines():
            self.stdout.write(line)
