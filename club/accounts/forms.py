"""allauth forms with Troika's wording. The logic stays allauth's, plus one atomic guard."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm, VerifyPhoneForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from .ratelimit import rate_limit_for, ratelimit_consume_all


class TroikaLoginForm(LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Email or mobile number")
        login.help_text = _("Your email address, or your mobile number such as 0912 345 678.")
        login.widget.attrs.update({"autocomplete": "username", "placeholder": ""})


class TroikaVerifyPhoneForm(VerifyPhoneForm):
    """allauth's sign-up SMS code, with every guess counted first on shared atomic counters.

    allauth counts wrong codes in the session, which parallel requests each read before any of
    them writes it back: a burst could try far more codes than the limit. Here a guess is
    counted (per number and per client IP, ``TROIKA_RATE_LIMITS["verify_phone_code"]``) before
    the comparison, so even the right code is refused once the number's tries are spent.
    """

    def clean_code(self) -> str:
        request = context.request
        checks = [(rate_limit_for("verify_phone_code", "target"), str(self.phone or ""))]
        if request is not None:
            ip = get_adapter().get_client_ip(request)
            checks.append((rate_limit_for("verify_phone_code", "ip"), ip))
        if not ratelimit_consume_all(checks=checks):
            raise forms.ValidationError(
                _("Too many attempts. Please wait 10 minutes and try again."), code="too_many_attempts"
            )
        return super().clean_code()
