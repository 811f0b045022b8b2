from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "rewards.tiers"
    label = "tiers"
    verbose_name = "Tiers"
