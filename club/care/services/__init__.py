from .complaints import (
    ComplaintError,
    complaint_assign,
    complaint_close,
    complaint_due_times,
    complaint_file,
    complaint_resolve,
    complaint_respond,
)
from .contact import ContactLogError, contact_log_add
from .managers import RuleRun, manager_assign, manager_unassign, managers_assign_by_rules
from .surveys import SurveyError, survey_respond

__all__ = [
    "ComplaintError",
    "ContactLogError",
    "RuleRun",
    "SurveyError",
    "complaint_assign",
    "complaint_close",
    "complaint_due_times",
    "complaint_file",
    "complaint_resolve",
    "complaint_respond",
    "contact_log_add",
    "manager_assign",
    "manager_unassign",
    "managers_assign_by_rules",
    "survey_respond",
]
