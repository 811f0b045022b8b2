from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "club.care"
    label = "care"
    verbose_name = _("Personal contact and care")

    def ready(self):
        from club.members.services.privacy import member_erasure_step_register

        from .services import complaints_erase, contact_log_erase, survey_comments_erase

        member_erasure_step_register(contact_log_erase)
        member_erasure_step_register(complaints_erase)
        member_erasure_step_register(survey_comments_erase)
