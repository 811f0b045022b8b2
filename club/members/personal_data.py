"""What club.members (and the login apps it erases: accounts, allauth, mfa, sessions) holds
about a member; the registry is explained in ``privacy_registry.py`` and docs/privacy.md."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from club.audit.models import AuditEntry

from .models import ConsentRecord, LineLinkChallenge, Member, MemberErasure, SubscriberImport
from .privacy_registry import Erasure, Holding, Owner, Payload, exempt

User = get_user_model()
_LOGIN = {"owner": Owner.LOGIN, "path": "user"}

PERSONAL_DATA = (
    Holding(Member, "member", path="pk", erasure=Erasure.SERVICE,
            fields=("msisdn", "account_number", "city", "birth_date", "attributes", "user",
                    "max_messages_per_week", "quiet_hours_start", "quiet_hours_end"),
            exclude=("billing_detail_digest",), is_one_row=True, identifiers=("msisdn", "account_number"),
            reason="member_erase keeps the row (the ledger PROTECTs it) under a pseudonym"),
    Holding(Member.interests.through, "member_interests", erasure=Erasure.DELETE),
    Holding(ConsentRecord, "consent_history",
            reason="proof of what the member agreed to and when; holds no identifier"),
    Holding(MemberErasure, "erasure", reason="the record that the erasure was done, by whom"),
    Holding(LineLinkChallenge, "line_link_challenges", erasure=Erasure.DELETE, exclude=("code_digest",)),
    Holding(User, "login", path="pk", owner=Owner.LOGIN, erasure=Erasure.SERVICE,
            fields=("email", "phone", "first_name", "last_name"), exclude=("password",), is_one_row=True,
            identifiers=("email", "phone"),
            reason="member_erase deactivates the login (ledger entries PROTECT users) and "
                   "replaces its email, phone and names"),
    Holding(EmailAddress, "login_emails", **_LOGIN, erasure=Erasure.DELETE, identifiers=("email",)),
    Holding(EmailConfirmation, "login_email_confirmations", owner=Owner.LOGIN,
            path="email_address__user", erasure=Erasure.DELETE, exclude=("key",)),
    Holding(Authenticator, "mfa_authenticators", **_LOGIN, erasure=Erasure.DELETE, exclude=("data",)),
    # staff's actions on and views of the member (docs/audit.md); the staff's own address and
    # the request ids are theirs and the operator's, not the member's
    Holding(AuditEntry, "audit_entries", path="member_id", exclude=("ip", "request_id"),
            reason="the append-only audit log: the member's id and staff labels, never the values "
                   "of the member's personal data, so nothing in it identifies the member once erased"),
)

NOT_PERSONAL = (
    *exempt(User.groups.through, User.user_permissions.through,
            reason="staff groups and permissions; a member's login has none"),
    *exempt(SubscriberImport,
            reason="one billing-system batch file for many subscribers, linked to the staff user "
                   "who ran it; not a member's row (its retention is the operator's, docs/import.md); "
                   "its row errors may quote a number: a payload (below)"),
    *exempt(Session,
            reason="signed session data keyed by a random id, no user column: an erased login's "
                   "sessions stop working (its password hash changes) and expire"),
)

# row errors of an import may quote the value refused (a line number, an account)
PAYLOADS = (Payload(SubscriberImport, "errors"),)
