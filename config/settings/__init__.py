"""Settings: ``base`` holds what every environment shares; ``dev``, ``test`` and
``production`` adjust it; the ``integration_*`` modules configure one outside system each.
Everything that differs between machines comes from environment variables."""
