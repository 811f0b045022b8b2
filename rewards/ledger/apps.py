from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rewards.ledger"
    label = "ledger"
    verbose_name = "Points ledger"

    def ready(self):
        from rewards.reference import reference_data_connect

        from .policy import CURRENT_POLICY

        reference_data_connect(CURRENT_POLICY)

        from config.backup import backup_total_register

        from .models import LedgerEntry, PointsAccount

        # A restore must give back every point (docs/runbook.md, "Backup and restore").
        entries, accounts = LedgerEntry._meta.db_table, PointsAccount._meta.db_table
        backup_total_register(name="ledger_points", query=f"SELECT COALESCE(SUM(points), 0) FROM {entries}")
        backup_total_register(
            name="account_points", query=f"SELECT COALESCE(SUM(available + pending), 0) FROM {accounts}"
        )
