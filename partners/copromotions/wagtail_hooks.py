"""The "Partners" admin menu: the one menu group of every partners app (organisations from
``partners.organisations``, co-promotions from here, statements and co-branded revenue from
``partners.settlement``; those apps define their viewsets and register only their extra URLs),
and the co-promotions under review and running. Staff only (the Wagtail admin); partners never
come here. Marketers read a proposal, set the settlement terms (the only
fields edited here, through ``copromotion_terms_set``; locked once approved) and open the
linked campaign, which they finish and approve through the campaigns' workflow."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from partners.organisations.wagtail_hooks import PartnerViewSet
from partners.settlement.wagtail_hooks import RevenueViewSet, StatementViewSet

from .models import CoPromotion
from .selectors import copromotion_stats
from .services import CoPromotionError, copromotion_terms_set
from .services.proposals import APPROVED_LOG_ACTION, REJECTED_LOG_ACTION, TERMS_LOG_ACTION

PARTNERS_MENU_ORDER = 140  # after Campaigns (130)


class ReviewPolicy(ModelPermissionPolicy):
    """Staff view and change (the terms); nobody adds or deletes a co-promotion in the admin."""

    def user_has_permission(self, user, action):
        return action in ("view", "change") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        if action not in ("view", "change"):
            return self.model._default_manager.none()
        return super().instances_user_has_permission_for(user, action)


register_permission_policy(CoPromotion, ReviewPolicy(CoPromotion), exact_class=True)


class TermsForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.terms_locked:
            raise ValidationError(_("The terms of an approved co-promotion are locked."))
        return cleaned


class TermsEditView(EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return copromotion_terms_set(
                copromotion_id=self.object.pk,
                user_id=self.request.user.pk,
                funding_per_redemption=data["funding_per_redemption"],
                price_per_point=data["price_per_point"],
                revenue_share_percent=data.get("revenue_share_percent"),
                review_comment=data.get("review_comment", ""),
            )
        except CoPromotionError as refused:
            self.form.add_error(None, refused.message)
            raise


class CoPromotionIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("partner", "campaign")


class CoPromotionInspectView(InspectView):
    template_name = "copromotions/admin/inspect.html"

    def get_context_data(self, **kwargs):
        campaign_url = (
            reverse("wagtailsnippets_campaigns_campaign:edit", args=[self.object.campaign_id])
            if self.object.campaign_id
            else ""
        )
        return super().get_context_data(
            stats=copromotion_stats(copromotion_id=self.object.pk), campaign_url=campaign_url, **kwargs
        )


def _status(copromotion: CoPromotion) -> str:
    from .models import CoPromotionStatus

    return str(CoPromotionStatus(copromotion.status).label)


class CoPromotionViewSet(ModelViewSet):
    model = CoPromotion
    icon = "pick"
    name = "copromotions"
    menu_label = _("Co-promotions")
    url_prefix = "partners/copromotions"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = CoPromotionInspectView
    index_view_class = CoPromotionIndexView
    edit_view_class = TermsEditView
    list_display = [
        "title",
        "partner",
        Column("status", label=_("Status"), accessor=_status),
        "benefit_kind",
        "budget",
        "starts_on",
        "ends_on",
        DateColumn("submitted_at", label=_("Submitted")),
    ]
    list_filter = {"state": ["exact"], "partner": ["exact"], "benefit_kind": ["exact"]}
    search_fields = ["title"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "partner",
        "title",
        "state",
        "benefit_kind",
        "discount_percent",
        "discount_amount",
        "bonus_points",
        "budget",
        "starts_on",
        "ends_on",
        "suggested_segments",
        "offer_text_en",
        "offer_text_vi",
        "offer_text_zh_hans",
        "offer_text_ru",
        "funding_per_redemption",
        "price_per_point",
        "revenue_share_percent",
        "review_comment",
        "submitted_at",
        "decided_at",
        "decided_by",
    ]
    edit_handler = ObjectList(
        [
            HelpPanel(
                content=_(
                    "Set the settlement terms agreed with the partner. They are shown to the partner "
                    "and locked once the co-promotion's campaign is approved. Audience, caps and "
                    "schedule are set on the campaign."
                )
            ),
            FieldRowPanel(
                [FieldPanel("funding_per_redemption"), FieldPanel("price_per_point")], heading=_("Funding")
            ),
            FieldPanel("revenue_share_percent"),
            FieldPanel("review_comment", widget=forms.Textarea(attrs={"rows": 3})),
        ],
        base_form_class=TermsForm,
    )


class PartnersGroup(ViewSetGroup):
    menu_label = _("Partners")
    menu_icon = "group"
    menu_order = PARTNERS_MENU_ORDER
    items = (PartnerViewSet, CoPromotionViewSet, StatementViewSet, RevenueViewSet)


@hooks.register("register_admin_viewset")
def register_partners_group():
    return PartnersGroup()


@hooks.register("register_log_actions")
def register_copromotion_log_actions(actions):
    actions.register_action(TERMS_LOG_ACTION, _("Set co-promotion terms"), _("Set the co-promotion's terms"))
    actions.register_action(APPROVED_LOG_ACTION, _("Approve co-promotion"), _("Approved the co-promotion"))
    actions.register_action(REJECTED_LOG_ACTION, _("Reject co-promotion"), _("Rejected the co-promotion"))
