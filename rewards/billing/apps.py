from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "rewards.billing"
    label = "billing"
    verbose_name = "Billing events"
