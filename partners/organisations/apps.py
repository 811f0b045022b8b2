from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerOrganisationsConfig(AppConfig):
    name = "partners.organisations"
    label = "partner_organisations"
    verbose_name = _("Partner organisations")
