from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rewards.ledger"
    label = "ledger"
    verbose_name = "Points ledger"
