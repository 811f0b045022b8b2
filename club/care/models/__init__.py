from .contact import ContactKind, ContactLogEntry
from .managers import AccountManager, AssignmentSource, ManagerAssignment, ManagerRule

__all__ = [
    "AccountManager",
    "AssignmentSource",
    "ContactKind",
    "ContactLogEntry",
    "ManagerAssignment",
    "ManagerRule",
]
