"""The footer's language switcher (``_language_switcher.html``).

Django's ``set_language`` sets the language cookie and redirects back safely. For a member the
choice is also their stored language: the one their messages use and the preferences page
shows, so the switcher and the preferences page's language field never disagree (saving the
language on the preferences page sets the cookie in turn: ``portal_preferences``).

Before logging in, the choice is kept in the session too: a login then stores it as the member's
language instead of switching the browser to the language stored before (``login_language``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from club.members.login_language import language_chosen_before_login_remember
from club.members.selectors import member_for_user
from club.members.services.preferences import member_language_set


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if not request.user.is_authenticated:
        language_chosen_before_login_remember(request=request, language=language)
    elif language in dict(settings.LANGUAGES):
        member = member_for_user(user=request.user)
        if member is not None:
            member_language_set(member_id=member.pk, language=language)
    return response
