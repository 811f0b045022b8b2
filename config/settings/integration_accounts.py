"""django-allauth: sign-up, login by email or phone, verification, MFA, rate limits."""

ACCOUNT_ADAPTER = "club.members.account_adapter.TroikaAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed logins are limited per account (email, or phone read into E.164 by the adapter) and
# per IP; the cache is Redis wherever REDIS_URL is set, so every web process shares the
# counters. The per-IP limit is loose on purpose: mobile subscribers sit behind carrier-grade
# NAT, thousands to one address, and one of them mistyping must not lock out the rest.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "50/10m/ip,5/10m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "change_phone": "1/m/user",
    "verify_phone": "5/10m/key,20/10m/ip",
}
# The sign-up SMS carries six digits, which a phone keypad types, not allauth's default letters.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Troika"
MFA_RECOVERY_CODE_COUNT = 10

ACCOUNT_FORMS = {"login": "club.accounts.forms.TroikaLoginForm"}
