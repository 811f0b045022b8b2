from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations' commands (backup and restore); no models. See docs/runbook.md."""

    name = "config.ops"
    label = "ops"
    verbose_name = "Operations"
