from django.core.management.base import BaseCommand, CommandError

from gridmgmt.grids.models import GridGeneration
from gridmgmt.grids.services import GridGenerationError, grid_generation_activate
from gridmgmt.grids.succession import Succession


class Command(BaseCommand):
    help = ("Activate a grid generation: its communities switch to its grids atomically. "
            "A generation failing the invariant check is refused.")

    def add_arguments(self, parser):
        parser.add_argument("generation", type=int)

    def handle(self, *args, **opts):
        generation = GridGeneration.objects.filter(pk=opts["generation"]).first()
        if generation is None:
            raise CommandError(f"no grid generation {opts['generation']}")
        try:
            count = grid_generation_activate(generation=generation)
        except GridGenerationError as exc:
            raise CommandError(f"{exc}; nothing activated") from None
        self.stdout.write(f"generation {generation.pk}: {count} grids active")
        generation.refresh_from_db(fields=["succession"])
        for line in Succession.from_json(generation.succession).lines():
            self.stdout.write(line)
