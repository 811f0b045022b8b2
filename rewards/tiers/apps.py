from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "rewards.tiers"
    label = "tiers"
    verbose_name = "Tiers"

    def ready(self) -> None:
        from rewards.reference import reference_data_connect

        from .selectors import LIVE_TIERS

        reference_data_connect(LIVE_TIERS)
