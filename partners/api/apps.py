from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerApiConfig(AppConfig):
    name = "partners.api"
    label = "partner_api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from .key_generation import key_generation_bump

        def partner_saved(sender, instance, using=None, **kwargs):
            # A partner made inactive (in the admin): its keys are refused at the next request in
            # every process, as after a revocation (docs/partners.md).
            if not instance.is_active:
                transaction.on_commit(key_generation_bump, using=using)

        post_save.connect(partner_saved, sender="partner_organisations.Partner", weak=False,
                          dispatch_uid="partner-api-keys:partner-saved")
