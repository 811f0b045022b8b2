from django.apps import AppConfig


class EarningConfig(AppConfig):
    name = "rewards.earning"
    label = "earning"
    verbose_name = "Earning rules"
