from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerOrganisationsConfig(AppConfig):
    name = "partners.organisations"
    label = "partner_organisations"
    verbose_name = _("Partner organisations")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from .access import mark_mfa_activated_in_session

        def _totp_added(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
            mark_mfa_activated_in_session(request, user)

        authenticator_added.connect(_totp_added, dispatch_uid="partners_mfa_activated", weak=False)
