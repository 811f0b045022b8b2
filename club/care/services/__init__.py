from .contact import ContactLogError, contact_log_add, contact_log_erase
from .managers import RuleRun, manager_assign, manager_unassign, managers_assign_by_rules

__all__ = [
    "ContactLogError",
    "RuleRun",
    "contact_log_add",
    "contact_log_erase",
    "manager_assign",
    "manager_unassign",
    "managers_assign_by_rules",
]
