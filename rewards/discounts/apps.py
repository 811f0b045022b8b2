from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "rewards.discounts"
    label = "discounts"
    verbose_name = "Volume and tenure discounts"

    def ready(self) -> None:
        from rewards.reference import reference_data_connect

        from .selectors import LIVE_SCHEDULES

        reference_data_connect(LIVE_SCHEDULES)
