"""allauth forms with Troika's wording. The logic stays allauth's."""

from allauth.account.forms import LoginForm
from django.utils.translation import gettext_lazy as _


class TroikaLoginForm(LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Email or mobile number")
        login.help_text = _("Your email address, or your mobile number such as 0912 345 678.")
        login.widget.attrs.update({"autocomplete": "username", "placeholder": ""})
