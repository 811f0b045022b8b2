from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "club.care"
    label = "care"
    verbose_name = _("Personal contact and care")

    def ready(self):
        from club.members.counters import COMPLAINTS, SUPPORT_CONTACTS, member_counter_register

        from .models import Complaint, ContactLogEntry

        # club.profiles counts these per member (complaints filed, contact-log entries)
        member_counter_register(COMPLAINTS, table=Complaint._meta.db_table, member_column="member_id",
                                time_column="created_at")
        member_counter_register(SUPPORT_CONTACTS, table=ContactLogEntry._meta.db_table,
                                member_column="member_id", time_column="happened_at")
