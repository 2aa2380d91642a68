from tests.events.conftest import areas, catalogue, media_root  # noqa: F401  (shared tiny areas)
