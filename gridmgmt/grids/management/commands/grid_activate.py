from django.core.management.base import BaseCommand, CommandError

from gridmgmt.grids.models import GridGeneration
from gridmgmt.grids.services import grid_generation_activate


class Command(BaseCommand):
    help = "Activate a grid generation: its communities switch to its grids atomically."

    def add_arguments(self, parser):
        parser.add_argument("generation", type=int)

    def handle(self, *args, **opts):
        generation = GridGeneration.objects.filter(pk=opts["generation"]).first()
        if generation is None:
            raise CommandError(f"no grid generation {opts['generation']}")
        count = grid_generation_activate(generation=generation)
        self.stdout.write(f"generation {generation.pk}: {count} grids active")
