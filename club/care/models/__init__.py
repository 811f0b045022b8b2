from .complaints import (
    PENDING_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ComplaintUpdate,
    ComplaintUpdateKind,
)
from .contact import ContactKind, ContactLogEntry
from .managers import AccountManager, AssignmentSource, ManagerAssignment, ManagerRule
from .surveys import Dimension, Survey, SurveyResponse

__all__ = [
    "PENDING_STATUSES",
    "AccountManager",
    "AssignmentSource",
    "Complaint",
    "ComplaintCategory",
    "ComplaintStatus",
    "ComplaintUpdate",
    "ComplaintUpdateKind",
    "ContactKind",
    "ContactLogEntry",
    "Dimension",
    "ManagerAssignment",
    "ManagerRule",
    "Survey",
    "SurveyResponse",
]
