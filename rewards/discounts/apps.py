from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "rewards.discounts"
    label = "discounts"
    verbose_name = "Volume and tenure discounts"
