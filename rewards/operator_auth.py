"""Bearer-token authentication of the operator's billing system, with scopes."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer

from .models import OperatorApiToken, token_digest


class OperatorToken(HttpBearer):
    """``Authorization: Bearer trk_...``; the token must be live and hold ``scope``."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str) -> OperatorApiToken | None:
        found = (
            OperatorApiToken.objects.filter(digest=token_digest(token), revoked_at__isnull=True)
            .only("id", "name", "scopes")
            .first()
        )
        if found is None or self.scope not in found.scopes:
            return None
        OperatorApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found
