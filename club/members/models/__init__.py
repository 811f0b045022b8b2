from .choices import (
    Channel,
    ChurnReason,
    ConsentPurpose,
    CustomerType,
    MemberStatus,
    PaymentPlan,
    Segment,
    TariffKind,
)
from .consent import ConsentRecord
from .erasure import MemberErasure
from .imports import SubscriberImport
from .line_link import LineLinkChallenge
from .member import Interest, Member

__all__ = [
    "Channel",
    "ChurnReason",
    "ConsentPurpose",
    "ConsentRecord",
    "CustomerType",
    "Interest",
    "LineLinkChallenge",
    "Member",
    "MemberErasure",
    "MemberStatus",
    "PaymentPlan",
    "Segment",
    "SubscriberImport",
    "TariffKind",
]
