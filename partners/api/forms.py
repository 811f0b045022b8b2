from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_RATE_LIMIT_PER_MINUTE, Scope
from .services.keys import MAX_RATE_LIMIT_PER_MINUTE


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("Where the key is used, e.g. 'Stores till'.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=MAX_RATE_LIMIT_PER_MINUTE,
        initial=DEFAULT_RATE_LIMIT_PER_MINUTE,
    )
