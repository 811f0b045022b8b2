"""The only way a partner portal view loads a co-promotion: scoped by the logged-in user's
partner (another partner's id is 404, as if it did not exist)."""

from __future__ import annotations

from django.http import HttpRequest

from partners.organisations.access import access_partner_object

from .models import CoPromotion


def access_copromotion_for_partner(request: HttpRequest, copromotion_id) -> CoPromotion:
    return access_partner_object(request, CoPromotion.objects.select_related("campaign"), copromotion_id)
