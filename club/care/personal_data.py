"""What club.care holds about a member (``club/members/privacy_registry.py``): what the person
and staff wrote goes; that a contact or a complaint happened, its category, dates, SLA figures,
goodwill points and survey figures stay for the reports."""

from club.members.privacy_registry import Erasure, Holding, exempt

from .models import (
    AccountManager,
    Complaint,
    ComplaintUpdate,
    ContactLogEntry,
    ManagerAssignment,
    ManagerRule,
    SurveyResponse,
)

PERSONAL_DATA = (
    Holding(ManagerAssignment, "account_manager", reason="which manager serves the member, no identifier"),
    Holding(ContactLogEntry, "contact_log", erasure=Erasure.BLANK, fields=("summary", "follow_up_on")),
    Holding(Complaint, "complaints", erasure=Erasure.BLANK, fields=("subject", "description", "resolution")),
    Holding(ComplaintUpdate, "complaint_updates", path="complaint__member", erasure=Erasure.BLANK,
            fields=("message",)),
    Holding(SurveyResponse, "survey_responses", erasure=Erasure.BLANK, fields=("comment",)),
)

NOT_PERSONAL = exempt(
    AccountManager, ManagerRule, ManagerRule.managers.through,
    reason="the operator's staff (account managers) and the rules assigning them, not subscribers",
)
