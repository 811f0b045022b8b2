"""``Authorization: Bearer tpk_...``: the key must be live and its partner active (else 401),
within its rate limit (else 429 with ``Retry-After``), and hold the operation's scope (else 403).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from .errors import ApiError
from .services.keys import KeyPrincipal, api_key_check


class PartnerKey(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str) -> KeyPrincipal | None:
        check = api_key_check(raw=token)
        if check is None:
            return None
        principal, decision = check.principal, check.rate
        if not decision.allowed:
            raise ApiError(
                429, "rate_limited",
                _("This key is limited to %(limit)s requests a minute; retry in %(seconds)s s.")
                % {"limit": decision.limit, "seconds": decision.retry_after},
                {"Retry-After": str(decision.retry_after), "RateLimit-Limit": str(decision.limit),
                 "RateLimit-Remaining": "0"},
            )
        if self.scope not in principal.scopes:
            raise ApiError(
                403, "insufficient_scope",
                _("This key does not hold the scope %(scope)s.") % {"scope": self.scope},
            )
        return principal
