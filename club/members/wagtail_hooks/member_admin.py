"""The "Members" admin menu: the member list, search, detail and edit, and interests.

Other screens join the menu through ``MEMBERS_MENU_HOOK`` (e.g. ``import_admin``'s
"Import subscribers"): ``@hooks.register(MEMBERS_MENU_HOOK)`` returning a ``MenuItem``.
"""

from __future__ import annotations

from django.contrib.auth import get_permission_codename
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from ..admin.erase import MemberEraseView
from ..admin.forms import MemberAdminForm
from ..admin.index import MemberIndexView
from ..admin.inspect import MemberEditView, MemberHistoryView, MemberInspectView
from ..filters import MemberFilterSet
from ..models import Interest, Member
from ..services.privacy import MEMBER_ERASED_LOG_ACTION

MEMBERS_MENU_HOOK = "register_members_menu_item"
# Just below Pages (100), above Images (300).
MEMBERS_MENU_ORDER = 110


MEMBER_OPERATOR_PANELS = [
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("msisdn"), FieldPanel("account_number")]),
            FieldRowPanel([FieldPanel("customer_type"), FieldPanel("activation_date")]),
            FieldRowPanel([FieldPanel("status"), FieldPanel("churn_reason")]),
        ],
        heading=_("Line"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("payment_plan"), FieldPanel("tariff_kind")]),
            FieldPanel("plan_name"),
        ],
        heading=_("Plan"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("region"), FieldPanel("city")]),
            FieldRowPanel([FieldPanel("language"), FieldPanel("birth_date")]),
            FieldPanel("segment"),
        ],
        heading=_("Place, language and segment"),
    ),
]


class MemberViewSet(ModelViewSet):
    """Staff read members and correct their operator fields. No delete and no copy: erasing a
    member is a privacy operation of its own (``erase``, ``admin/erase.py``), and a copy would
    clash on MSISDN and account."""

    model = Member
    icon = "group"
    menu_label = _("Members")
    add_to_reference_index = False  # millions of rows, referenced by nothing Wagtail edits
    index_view_class = MemberIndexView
    inspect_view_class = MemberInspectView
    edit_view_class = MemberEditView
    history_view_class = MemberHistoryView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = MemberFilterSet
    ordering = "account_number"
    list_per_page = 50
    edit_handler = ObjectList(MEMBER_OPERATOR_PANELS, base_form_class=MemberAdminForm)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]
        return [*patterns, path("erase/<int:member_id>/", MemberEraseView.as_view(), name="erase")]

    def get_permissions_to_register(self):
        delete_codename = get_permission_codename("delete", self.model_opts)
        return super().get_permissions_to_register().exclude(codename=delete_codename)


class InterestViewSet(ModelViewSet):
    model = Interest
    icon = "tag"
    menu_label = _("Interests")
    add_to_reference_index = False
    form_fields = ["name", "slug"]
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = "name"
    copy_view_enabled = False


class MembersMenu(ModelViewSetGroup):
    items = (MemberViewSet, InterestViewSet)
    menu_label = _("Members")
    menu_icon = "group"
    menu_name = "members"
    menu_order = MEMBERS_MENU_ORDER
    submenu_hook = MEMBERS_MENU_HOOK


@hooks.register("register_admin_viewset")
def register_members_menu():
    return MembersMenu()


@hooks.register("register_log_actions")
def register_member_log_actions(actions):
    actions.register_action(MEMBER_ERASED_LOG_ACTION, _("Erase personal data"), _("Erased personal data"))
