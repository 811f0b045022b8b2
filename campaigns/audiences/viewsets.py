"""Admin screens of audiences (registered in ``campaigns/wagtail_hooks.py``).

The list shows each audience's stored count (refreshed after every save and nightly), never
a live count per row; the live count is the editor's preview panel.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import ProtectedError
from django.forms import RadioSelect
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views import snippets

from .blocks import condition_text
from .models import Audience
from .tasks import audience_count_refresh_task

PROTECTED_NAMES_SHOWN = 5


def count_text(audience: Audience) -> str:
    if audience.counted_at is None:
        return _("Not counted yet")
    return _("%(members)s on %(day)s") % {
        "members": f"{audience.member_count:,}", "day": f"{audience.counted_at:%Y-%m-%d}",
    }


class CountAfterSaveMixin:
    """Queue the stored count's refresh once the saved audience is committed."""

    def save_instance(self):
        instance = super().save_instance()
        audience_count_refresh_task.delay_on_commit(instance.pk)
        return instance


class AudienceCreateView(CountAfterSaveMixin, snippets.CreateView):
    pass


class AudienceEditView(CountAfterSaveMixin, snippets.EditView):
    pass


class AudienceDeleteView(snippets.DeleteView):
    """Campaigns refer to audiences with ``on_delete=PROTECT``: a protected delete is refused
    with a message naming the users, never a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError as error:
            users = sorted({str(obj) for obj in error.protected_objects})
            more = "…" if len(users) > PROTECTED_NAMES_SHOWN else ""
            names = ", ".join(users[:PROTECTED_NAMES_SHOWN]) + more
            messages.error(self.request, _("“%(audience)s” is used by %(users)s, so it cannot be deleted.")
                           % {"audience": self.object, "users": names})
            return redirect(self.index_url_name)


class AudienceInspectView(snippets.InspectView):
    def get_conditions_display_value(self):
        children = list(self.object.conditions)
        if not children:
            return _("No condition: every active member.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((condition_text(c.block, c.value),) for c in children)),
        )

    def get_member_count_display_value(self):
        return count_text(self.object)


class AudienceViewSet(snippets.SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = gettext_lazy("Audiences")
    url_prefix = "campaigns/audiences"
    add_view_class = AudienceCreateView
    edit_view_class = AudienceEditView
    delete_view_class = AudienceDeleteView
    inspect_view_class = AudienceInspectView
    inspect_view_enabled = True
    inspect_view_fields = ["name", "description", "match", "conditions", "member_count"]
    list_display = [
        "name",
        Column("match", label=gettext_lazy("Match"), accessor="get_match_display"),
        Column("member_count", label=gettext_lazy("Members (last count)"), accessor=count_text,
               sort_key="member_count"),
        DateColumn("updated_at", label=gettext_lazy("Updated")),
    ]
    list_filter = ["match"]
    search_fields = ["name", "description"]
    edit_handler = ObjectList([
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("match", widget=RadioSelect),
        FieldPanel("conditions"),
    ])
