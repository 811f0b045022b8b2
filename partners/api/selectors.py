"""Reads of API keys, always scoped by partner."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiKey


def api_keys_for_partner(*, partner_id: int) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(partner_id=partner_id).select_related("created_by", "rotated_from")
