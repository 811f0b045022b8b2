from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "club.care"
    label = "care"
    verbose_name = _("Personal contact and care")

    def ready(self):
        from club.members.counters import COMPLAINTS, SUPPORT_CONTACTS, member_counter_register
        from club.members.services.privacy import member_erasure_step_register

        from .models import Complaint, ContactLogEntry
        from .services import complaints_erase, contact_log_erase, survey_comments_erase

        member_erasure_step_register(contact_log_erase)
        member_erasure_step_register(complaints_erase)
        member_erasure_step_register(survey_comments_erase)
        # club.profiles counts these per member (complaints filed, contact-log entries)
        member_counter_register(COMPLAINTS, table=Complaint._meta.db_table, member_column="member_id",
                                time_column="created_at")
        member_counter_register(SUPPORT_CONTACTS, table=ContactLogEntry._meta.db_table,
                                member_column="member_id", time_column="happened_at")
