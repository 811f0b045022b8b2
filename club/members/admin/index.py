"""The admin member list: columns, search through ``member_search``, stable ordering. Each page
shown is recorded in the audit log, one entry per member (``personal_data_shown.py``)."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.ui.tables import BooleanColumn, ButtonsColumnMixin, Column, TitleColumn
from wagtail.admin.views.generic import IndexView

from ..selectors import member_admin_list, member_search
from .paginator import MemberPaginator

UNIQUE_SORT_KEYS = {"pk", "id", "account_number", "msisdn"}


def plan_summary(member) -> str:
    kinds = f"{member.get_payment_plan_display()}, {member.get_tariff_kind_display()}"
    return f"{member.plan_name} ({kinds})" if member.plan_name else kinds


def place(member) -> str:
    if member.city and member.region and member.city != member.region:
        return f"{member.city}, {member.region}"
    return member.city or member.region


def tenure_years(member) -> int:
    return member.tenure_years()


def has_portal_account(member) -> bool:
    return member.user_id is not None


class MemberTitleColumn(ButtonsColumnMixin, TitleColumn):
    """The account number, linking to the member's detail, with the row's action buttons."""

    def __init__(self, name, *, list_buttons, **kwargs):
        super().__init__(name, **kwargs)
        self._list_buttons = list_buttons

    def get_buttons(self, instance, parent_context):
        return self._list_buttons(instance)


class MemberIndexView(IndexView):
    is_searchable = True
    paginator_class = MemberPaginator

    def get_base_queryset(self):
        return member_admin_list()

    def get_search_form(self):
        placeholder = _("MSISDN, account number or city…")
        if self.search_kwarg in self.request.GET:
            return SearchForm(self.request.GET, placeholder=placeholder)
        return SearchForm(placeholder=placeholder)

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return member_search(query=self.search_query, members=queryset)

    def order_queryset(self, queryset):
        # A unique tie-breaker keeps pages stable when sorting by a column many members share.
        queryset = super().order_queryset(queryset)
        ordering = [str(term) for term in queryset.query.order_by]
        if any(term.lstrip("-") in UNIQUE_SORT_KEYS for term in ordering):
            return queryset
        return queryset.order_by(*queryset.query.order_by, "pk")

    @cached_property
    def columns(self):
        return [
            MemberTitleColumn(
                "account_number",
                label=_("Account number"),
                sort_key="account_number",
                get_url=self.get_inspect_url,
                list_buttons=self.get_list_buttons,
            ),
            Column("msisdn", label=_("MSISDN"), sort_key="msisdn"),
            Column(
                "customer_type", label=_("Customer type"), accessor="get_customer_type_display",
                sort_key="customer_type",
            ),
            Column("plan", label=_("Plan"), accessor=plan_summary, sort_key="payment_plan"),
            Column("place", label=_("Region / city"), accessor=place, sort_key="region"),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("segment", label=_("Segment"), accessor="get_segment_display", sort_key="segment"),
            Column("tenure", label=_("Tenure (years)"), accessor=tenure_years),
            BooleanColumn("linked", label=_("Portal account"), accessor=has_portal_account),
        ]
