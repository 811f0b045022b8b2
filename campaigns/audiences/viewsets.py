from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Audience


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = "Audiences"
    list_display = ["name", "match", "updated_at"]
    search_fields = ["name", "description"]
