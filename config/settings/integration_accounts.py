"""django-allauth: sign-up, login by email or phone, verification, MFA, rate limits."""

from .env import env

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
# --- Brute-force limits (docs/accounts.md, "Rate limits"): every limit and window is here. ---
# Failed logins (password, and the MFA code step) per account (email, or phone read into E.164
# by the adapter) and per client IP: the 6th failure inside the window is refused, even with
# the right password. The counters live in the cache (Redis wherever REDIS_URL is set), so every
# web process shares them. Per account: allauth's "login_failed". Per IP: Troika's atomic
# counter (club/accounts/ratelimit.py), which no success clears (allauth's would be wiped by
# any successful MFA code or password reset from that address). Operators whose subscribers
# sit behind carrier-grade NAT can loosen the per-IP limit (LOGIN_FAILED_PER_IP, e.g. 50).
LOGIN_FAILED_WINDOW_SECONDS = 10 * 60
LOGIN_FAILED_PER_ACCOUNT = env.int("LOGIN_FAILED_PER_ACCOUNT", default=5)
LOGIN_FAILED_PER_IP = env.int("LOGIN_FAILED_PER_IP", default=5)
# Behind a load balancer every request comes from its address: TRUSTED_PROXY_COUNT (base.py)
# names how many proxies append to X-Forwarded-For, else the per-IP limits would count everyone
# as one client. The account adapter reads the address with config/client_address.py, not
# allauth's reader (which fails on a header shorter than the count); allauth is told the same.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": f"{LOGIN_FAILED_PER_ACCOUNT}/{LOGIN_FAILED_WINDOW_SECONDS}s/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "change_phone": "1/m/user",
    "verify_phone": "5/10m/key,20/10m/ip",
}
# One-time codes (the sign-up SMS code, the line-linking SMS code): valid 10 minutes, 5 tries
# per code, used once.
ONE_TIME_CODE_VALIDITY_SECONDS = 10 * 60
ONE_TIME_CODE_MAX_ATTEMPTS = 5
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = ONE_TIME_CODE_VALIDITY_SECONDS
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = ONE_TIME_CODE_MAX_ATTEMPTS
# Troika's own limits (club/accounts/ratelimit.py): action -> subject -> (hits, window seconds).
# "target" is what is guessed at: a phone number or an account number.
TROIKA_RATE_LIMITS = {
    "login_failed": {"ip": (LOGIN_FAILED_PER_IP, LOGIN_FAILED_WINDOW_SECONDS)},
    "line_link_request": {"user": (5, 600), "ip": (20, 600), "target": (5, 600)},
    "line_link_verify": {"user": (10, 600), "ip": (30, 600)},
    "line_link_account": {"user": (5, 600), "ip": (20, 600), "target": (5, 600)},
    # Guesses at the sign-up SMS code, counted before the comparison (allauth counts them in
    # the session, which parallel requests would each read as 0).
    "verify_phone_code": {"target": (5, 600), "ip": (20, 600)},
    # Reports of CSP violations (config/csp_reports.py): a page with a broken asset reports a
    # few at each view; more than this from one address is noise or abuse.
    "csp_report": {"ip": (env.int("CSP_REPORTS_PER_IP_PER_MINUTE", default=60), 60)},
}
# --- end of brute-force limits ---
# The sign-up SMS carries six digits, which a phone keypad types, not allauth's default letters.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Troika"
MFA_RECOVERY_CODE_COUNT = 10

ACCOUNT_FORMS = {
    "login": "club.accounts.forms.TroikaLoginForm",
    "verify_phone": "club.accounts.forms.TroikaVerifyPhoneForm",
}
