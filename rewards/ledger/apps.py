from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rewards.ledger"
    label = "ledger"
    verbose_name = "Points ledger"

    def ready(self):
        from rewards.reference import reference_data_connect

        from .policy import CURRENT_POLICY

        reference_data_connect(CURRENT_POLICY)
