"""Writes of the co-promotions: every mutation is a ``<entity>_<verb>(*, ...)`` function here."""

from .codes import (
    copromotion_code_claim,
    copromotion_codes_generate,
    copromotion_codes_upload,
)
from .proposals import (
    CoPromotionError,
    copromotion_approve,
    copromotion_propose,
    copromotion_reject,
    copromotion_submit,
    copromotion_terms_set,
    copromotion_update_draft,
)
from .redemption import code_redeem, code_redemption_reverse, code_validate
from .results import (
    Benefit,
    ClaimResult,
    CodeCheck,
    CodeError,
    CodeUploadReport,
    RedeemResult,
    ReverseResult,
)

__all__ = [
    "Benefit",
    "ClaimResult",
    "CoPromotionError",
    "CodeCheck",
    "CodeError",
    "CodeUploadReport",
    "RedeemResult",
    "ReverseResult",
    "code_redeem",
    "code_redemption_reverse",
    "code_validate",
    "copromotion_approve",
    "copromotion_code_claim",
    "copromotion_codes_generate",
    "copromotion_codes_upload",
    "copromotion_propose",
    "copromotion_reject",
    "copromotion_submit",
    "copromotion_terms_set",
    "copromotion_update_draft",
]
