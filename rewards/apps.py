from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    label = "rewards"
    verbose_name = "Rewards"
