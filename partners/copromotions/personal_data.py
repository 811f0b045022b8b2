"""What partners.copromotions holds about a member (``club/members/privacy_registry.py``): the
codes a member took and their redemptions stay (settlement statements count them); a partner
never held the member's identity, only the code."""

from club.members.privacy_registry import Holding, exempt

from .models import CoPromotion, CoPromotionBudget, CoPromotionBudgetSlice, PartnerRedemption, PromotionCode

_SETTLED = "partner settlement counts it; the code names nobody"
PERSONAL_DATA = (
    Holding(PromotionCode, "partner_codes", reason=_SETTLED),
    Holding(PartnerRedemption, "partner_redemptions", path="code__member", reason=_SETTLED),
)

NOT_PERSONAL = exempt(CoPromotion, CoPromotionBudget, CoPromotionBudgetSlice,
                      reason="co-promotion terms and budgets; their user links are partner or operator staff")
