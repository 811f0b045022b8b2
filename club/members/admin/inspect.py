"""The admin detail of one member: every field with its label, consents and their history,
preferences, interests, the ``attributes`` JSON as a table, and the linked portal account."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.views.generic import EditView, HistoryView, InspectView

from club.audit.views import AuditPermissionRequired, PersonalDataViewAudited

from ..models import Member, MemberErasure
from ..selectors import member_current_consents, member_for_admin_detail
from .erase import ERASE_PERMISSION

# Higher layers (rewards, club, campaigns) add links to their own screens about a member
# through this hook: ``@hooks.register(MEMBER_ADMIN_LINKS_HOOK)`` with a function
# ``(member, request) -> list[MemberAdminLink]`` that returns what the user may open.
MEMBER_ADMIN_LINKS_HOOK = "register_member_admin_links"


@dataclass(frozen=True)
class MemberAdminLink:
    label: str
    url: str
    summary: str = ""


# Fields with no column of their own on Member, shown with these labels.
PSEUDO_FIELD_LABELS = {
    "tenure": _("Tenure"),
    "has_billing_detail": _("Billing detail on file"),
}
OPERATOR_FIELDS = [
    "account_number", "msisdn", "customer_type", "activation_date", "tenure", "payment_plan",
    "tariff_kind", "plan_name", "region", "city", "language", "birth_date", "status",
    "churn_reason", "segment", "has_billing_detail", "user", "created_at", "updated_at",
]


@dataclass(frozen=True)
class AttributeRow:
    name: str
    value: str


def attribute_rows(attributes, prefix: str = "") -> list[AttributeRow]:
    """Flatten the billing system's extra attributes into readable rows: nested objects
    become dotted names, lists of plain values a comma-separated list."""
    if not isinstance(attributes, dict):
        return [AttributeRow(prefix or "value", _display_json_value(attributes))] if attributes else []
    rows: list[AttributeRow] = []
    for key in sorted(attributes, key=str):
        value = attributes[key]
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            rows.extend(attribute_rows(value, prefix=name))
        else:
            rows.append(AttributeRow(name, _display_json_value(value)))
    return rows


def _display_json_value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        return ", ".join(_display_json_value(item) for item in value) or "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class MemberInspectView(PersonalDataViewAudited, InspectView):
    template_name = "members/admin/member_inspect.html"

    def audited_member(self):
        return self.object

    def get_fields(self):
        return list(OPERATOR_FIELDS)

    def get_object(self, queryset=None):
        try:
            return member_for_admin_detail(member_id=int(self.pk))
        except (Member.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    def get_page_title(self):
        return _("Member")

    def get_field_label(self, field_name, field):
        if field_name in PSEUDO_FIELD_LABELS:
            return PSEUDO_FIELD_LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value

    def get_tenure_display_value(self):
        years = self.object.tenure_years()
        return ngettext("%(years)d year (%(days)d days)", "%(years)d years (%(days)d days)", years) % {
            "years": years,
            "days": self.object.tenure_days(),
        }

    def get_has_billing_detail_display_value(self):
        return _("yes") if self.object.billing_detail_digest else _("no")

    def get_user_display_value(self):
        user = self.object.user
        return user.email if user else _("Not linked")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.object
        context.update(
            current_consents=member_current_consents(member=member),
            consent_history=member.consent_history,
            preferences=self._preference_rows(member),
            interests=list(member.interests.all()),
            attribute_rows=attribute_rows(member.attributes),
            can_erase=self.request.user.has_perm(ERASE_PERMISSION)
            and not MemberErasure.objects.filter(member_id=member.pk).exists(),
            related_links=[
                link
                for hook in hooks.get_hooks(MEMBER_ADMIN_LINKS_HOOK)
                for link in hook(member, self.request)
            ],
        )
        return context

    def _preference_rows(self, member: Member) -> list[AttributeRow]:
        def label(field_name: str) -> str:
            return capfirst(Member._meta.get_field(field_name).verbose_name)

        quiet_hours = (
            f"{member.quiet_hours_start:%H:%M}–{member.quiet_hours_end:%H:%M}"
            if member.quiet_hours_start and member.quiet_hours_end
            else str(_("none"))
        )
        return [
            AttributeRow(
                label("max_messages_per_week"),
                str(member.max_messages_per_week)
                if member.max_messages_per_week is not None
                else str(_("no limit of the member's own")),
            ),
            AttributeRow(str(_("Quiet hours")), quiet_hours),
            AttributeRow(label("time_zone"), member.time_zone),
            AttributeRow(label("language"), member.language),
        ]


class MemberEditView(PersonalDataViewAudited, EditView):
    """The operator fields' form shows them: opening it is an audited view too."""

    def audited_member(self):
        return self.object


class MemberHistoryView(AuditPermissionRequired, HistoryView):
    """A member's history lists who looked at the member: auditors only (docs/audit.md)."""
