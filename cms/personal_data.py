"""What the site's pages and Wagtail's own apps hold (``club/members/privacy_registry.py``).

Wagtail's admin is staff-only (DESIGN.md invariant 6): its revisions, logs, locks, comments,
workflows and uploads name the staff who did them, never a subscriber."""

from django.apps import apps

from club.members.privacy_registry import Erasure, Holding, Owner, exempt

from .models import (
    ArticleIndexPage,
    ArticlePage,
    ContentPage,
    HomePage,
    RewardsCataloguePage,
    TierBenefitsPage,
)


def _wagtail(*labels: str) -> list:
    return [apps.get_model(label) for label in labels]


PERSONAL_DATA = (
    Holding(apps.get_model("wagtailusers.UserProfile"), "admin_profile", owner=Owner.LOGIN, path="user",
            erasure=Erasure.DELETE),
)

NOT_PERSONAL = (
    *exempt(HomePage, ContentPage, TierBenefitsPage, RewardsCataloguePage, ArticleIndexPage, ArticlePage,
            ArticlePage.interests.through,
            reason="site pages; their user links are staff (owner, locks, revisions)"),
    *exempt(*_wagtail(
        "wagtailcore.Page", "wagtailcore.Revision", "wagtailcore.PageLogEntry", "wagtailcore.ModelLogEntry",
        "wagtailcore.Comment", "wagtailcore.CommentReply", "wagtailcore.PageSubscription",
        "wagtailcore.WorkflowState", "wagtailcore.TaskState", "wagtailcore.WorkflowPage",
        "wagtailcore.UploadedFile", "wagtailcore.APIToken", "wagtailcore.Site",
        "wagtailcore.GroupSitePermission", "wagtailcore.GroupPagePermission",
        "wagtailcore.PageViewRestriction", "wagtailcore.PageViewRestriction_groups",
        "wagtailadmin.EditingSession", "wagtailadmin.FormState", "wagtaildocs.Document",
        "wagtailimages.Image", "wagtailimages.Rendition", "wagtailredirects.Redirect",
    ), reason="Wagtail's admin: staff-only, its user links are the staff who edit"),
    *exempt(*_wagtail("wagtailforms.FormSubmission"),
            reason="the site has no form page model, so no member ever submits one"),
    *exempt(*_wagtail("wagtailembeds.Embed"), reason="oEmbed metadata of embedded media (its author)"),
)
