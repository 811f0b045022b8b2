"""The public site's page tree: a home page that explains the club."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage

HOME_BODY = [
    ("heading", "Three ways the club rewards you"),
    ("paragraph", "<p><b>Points and discounts</b> for every bill you pay and every top-up, "
                  "with a discount that grows with your years with us.</p>"),
    ("paragraph", "<p><b>The club</b>: events around what you love, members-only articles "
                  "and a person who knows you.</p>"),
    ("paragraph", "<p><b>Your bundle</b>: data, minutes and extras sized to how you really "
                  "use your line.</p>"),
    ("call_to_action", {"text": "Join the club", "link": "/accounts/signup/"}),
]


@transaction.atomic
def demo_site_load() -> HomePage:
    existing = HomePage.objects.first()
    if existing is not None:
        return existing
    root = Page.get_first_root_node()
    home = HomePage(
        title=f"{settings.OPERATOR_NAME} Club",
        slug="club-home",
        intro="The loyalty club for every subscriber: points, privileges and people.",
        body=HOME_BODY,
    )
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="Troika")
    else:
        old_root = site.root_page
        site.root_page = home
        site.save(update_fields=["root_page"])
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children():
            old_root.delete()  # Wagtail's "Welcome" placeholder
    return home
