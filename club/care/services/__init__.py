from .complaints import (
    ComplaintError,
    complaint_assign,
    complaint_close,
    complaint_due_times,
    complaint_file,
    complaint_resolve,
    complaint_respond,
    complaints_erase,
)
from .contact import ContactLogError, contact_log_add, contact_log_erase
from .managers import RuleRun, manager_assign, manager_unassign, managers_assign_by_rules
from .surveys import SurveyError, survey_comments_erase, survey_respond

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
    "complaints_erase",
    "contact_log_add",
    "contact_log_erase",
    "manager_assign",
    "manager_unassign",
    "managers_assign_by_rules",
    "survey_comments_erase",
    "survey_respond",
]
