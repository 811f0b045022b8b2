"""allauth adapter: phone numbers live on ``accounts.User`` (E.164) and codes go out by SMS.

People type their number the way they say it ("0912 345 678"); allauth's stock phone field only
accepts E.164. Here every phone input is read with the operator's region, so national and
international forms name the same account, for login, sign-up and the login rate limit.

Languages (``login_language``): a login switches the browser to the member's stored language,
and allauth's emails go out in the recipient member's language.
"""

from __future__ import annotations

import ipaddress

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.fields import PhoneField
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from club.accounts.ratelimit import rate_limit_for, ratelimit_consume, ratelimit_give_back
from config.client_address import client_address

from .login_language import email_language_for_recipient, login_language_settle
from .phone import InvalidPhoneNumber, mobile_to_e164, phone_to_e164
from .sms import sms_send


def _ip_network(address: str) -> str:
    """An IPv6 address's network (allauth's ``RATE_LIMIT_IPV6_PREFIX``, /64), an IPv4 one itself."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{parsed}/{prefix}", strict=False).network_address)
    return address


class TroikaAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        language = email_language_for_recipient(
            template_prefix=template_prefix, email=email, user=context.get("user")
        )
        if language is None:
            super().send_mail(template_prefix, email, context)
            return
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def post_login(self, request, user, **kwargs) -> HttpResponse:
        # Every allauth login ends here (password, phone, after the MFA code, after confirming an
        # email). Activated before allauth adds its "signed in" message, so that is translated too.
        language = login_language_settle(request=request, user=user)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        if language is not None and response is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def phone_form_field(self, **kwargs) -> PhoneField:
        # No E.164-only validator: ``clean_phone`` reads national numbers too.
        kwargs.setdefault("validators", [])
        kwargs.setdefault(
            "help_text", gettext_lazy("Your mobile number, e.g. 0912 345 678 or +84 912 345 678.")
        )
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        # Sign-up and a change of login phone: the number must exist, or the SMS goes nowhere.
        try:
            return mobile_to_e164(phone)
        except InvalidPhoneNumber as exc:
            # The reason (English, from phonenumbers) stays out of a sentence shown in any language.
            raise forms.ValidationError(_("Enter a valid mobile number."), code="invalid_phone") from exc

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user) -> tuple[str, bool] | None:
        if user.phone:
            return user.phone, user.phone_verified
        return None

    def set_phone_verified(self, user, phone: str) -> None:
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone: str):
        try:
            e164 = phone_to_e164(phone)
        except InvalidPhoneNumber:
            return None
        return get_user_model().objects.filter(phone=e164).first()

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys failed logins by the request's site domain and the email or username:
        # a phone login would share one empty key with every other phone login, and a site
        # reached under two host names (or a process seeing another Host) would count each
        # apart. Key them by the account alone: the email, or the number read into E.164.
        phone = credentials.get("phone")
        if phone and not credentials.get("email"):
            try:
                login = phone_to_e164(phone)
            except InvalidPhoneNumber:
                login = phone.strip()
            return f"phone:{login}"
        return f"email:{credentials.get('email', credentials.get('username', '')).lower()}"

    def pre_authenticate(self, request, **credentials) -> None:
        # Per client IP, counted before the password is checked (atomic, shared by every process)
        # and given back only if the login succeeds: an address rotating accounts is refused by
        # its 6th failure. allauth's own "login_failed" limit then counts the account.
        self._failed_login_ip = None
        ip = self.get_client_ip(request)
        if not ratelimit_consume(rate=rate_limit_for("login_failed", "ip"), subject=ip):
            raise self.validation_error("too_many_login_attempts")
        self._failed_login_ip = ip
        super().pre_authenticate(request, **credentials)

    def _rollback_login_failed_rl_usage(self) -> None:
        # The credentials were right: this attempt was no failure.
        ip = getattr(self, "_failed_login_ip", None)
        if ip is not None:
            ratelimit_give_back(rate=rate_limit_for("login_failed", "ip"), subject=ip)
            self._failed_login_ip = None
        super()._rollback_login_failed_rl_usage()

    def get_client_ip(self, request) -> str:
        """The client's address as a keyed digest, never the address itself.

        allauth names its per-address rate-limit counters in the shared cache after what this
        returns; a raw address there is personal data that no erasure can find (it is not
        linked to a member), so it is never written: the same address (an IPv6 one counted by
        its /64, as allauth does) always gives the same digest, and the limits work as before.
        Troika sends no allauth security e-mails, the only other place it would show.

        The address is the project's one answer (``config.client_address``: X-Forwarded-For
        as far as ``TRUSTED_PROXY_COUNT`` trusts it, else the peer), as in the audit log."""
        address = client_address(request)
        if address is None:  # as allauth: no address, no per-address limit to count it by
            raise PermissionDenied("Unable to determine client IP address")
        return salted_hmac("troika.client-ip", _ip_network(address), algorithm="sha256").hexdigest()[:32]

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        sms_send(to=phone, body=_("Your Troika verification code is %(code)s.") % {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        sms_send(to=phone, body=_("Someone asked to sign in to Troika with this number, "
                                  "but no account uses it."))
