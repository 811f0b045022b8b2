from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerOrganisationsConfig(AppConfig):
    name = "partners.organisations"
    label = "partner_organisations"
    verbose_name = _("Partner organisations")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from .access import mark_mfa_activated_in_session
        from .middleware import session_partner_user_flag_set

        def _totp_added(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
            mark_mfa_activated_in_session(request, user)

        authenticator_added.connect(_totp_added, dispatch_uid="partners_mfa_activated", weak=False)

        def _logged_in(sender, request=None, user=None, **kwargs) -> None:
            session_partner_user_flag_set(request, user)

        user_logged_in.connect(_logged_in, dispatch_uid="partners_session_flag", weak=False)
