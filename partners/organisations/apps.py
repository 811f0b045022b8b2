from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerOrganisationsConfig(AppConfig):
    name = "partners.organisations"
    label = "partner_organisations"
    verbose_name = _("Partner organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_partner_user_flag_set

        def _logged_in(sender, request=None, user=None, **kwargs) -> None:
            session_partner_user_flag_set(request, user)

        user_logged_in.connect(_logged_in, dispatch_uid="partners_session_flag", weak=False)
