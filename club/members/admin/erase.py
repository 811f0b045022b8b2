"""The staff's "Erase personal data" action on a member (docs/privacy.md): a confirmation page
that says what goes and what stays, and a POST that calls ``member_erase``. Only holders of
``members.erase_member`` see or use it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import MemberErasure
from ..services.privacy import member_erase
from .member_screen import MemberAdminScreen

ERASE_PERMISSION = "members.erase_member"


class MemberEraseForm(forms.Form):
    """Typing the member's account number proves the staff meant this member."""

    account_number = forms.CharField(label=_("Account number"), max_length=64)

    def __init__(self, *args, account_number: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = account_number

    def clean_account_number(self) -> str:
        typed = self.cleaned_data["account_number"].strip()
        if typed != self.expected:
            raise forms.ValidationError(_("Type the member's account number exactly to confirm."))
        return typed


class MemberEraseView(MemberAdminScreen):
    template_name = "members/admin/member_erase.html"
    page_title = _("Erase personal data")
    header_icon = "bin"
    view_permission = ERASE_PERMISSION
    http_method_names = ["get", "post"]

    def post(self, request, *args, **kwargs):
        if self._is_erased():
            messages.info(request, _("This member's personal data was already erased."))
            return redirect("member:inspect", self.member.pk)
        form = MemberEraseForm(request.POST, account_number=self.member.account_number)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        result = member_erase(member_id=self.member.pk, source=MemberErasure.Source.STAFF,
                              erased_by=request.user)
        if result.is_erased_now:
            messages.success(request, _("The member's personal data was erased."))
        else:
            messages.info(request, _("This member's personal data was already erased."))
        return redirect("member:inspect", self.member.pk)

    def _is_erased(self) -> bool:
        return MemberErasure.objects.filter(member_id=self.member.pk).exists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", MemberEraseForm(account_number=self.member.account_number))
        context.update(member=self.member, is_erased=self._is_erased(),
                       inspect_url=reverse("member:inspect", args=[self.member.pk]))
        return context
