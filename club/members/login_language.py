"""Which language a member's pages and emails use when the request alone does not say.

- **At login** the member's stored language (``Member.language``) becomes the browser's, so a
  new browser shows their language from the first page after logging in. Except when the person
  chose a language with the footer's switcher before logging in, in the same browser session:
  that fresh choice wins and becomes the stored language (the switcher stores a logged-in
  member's choice the same way).
- **Emails** go out in the stored language of the member whose login owns the address, whatever
  language the request that caused them is in. The sign-up verification email and emails to an
  address no login owns use the language the person is using (the request's).

docs/i18n.md, "The member's language", tells the whole rule.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.http import HttpRequest

from .models import Member
from .services.preferences import member_language_set

# Where the switcher keeps an anonymous visitor's choice until a login takes it.
LANGUAGE_CHOSEN_SESSION_KEY = "troika_language_chosen"
# allauth's email whose recipient is the person signing up: the language they are using.
SIGNUP_VERIFICATION_EMAIL = "account/email/email_confirmation_signup"


def _offered(language: str | None) -> str | None:
    return language if language in dict(settings.LANGUAGES) else None


def language_chosen_before_login_remember(*, request: HttpRequest, language: str) -> None:
    if _offered(language):
        request.session[LANGUAGE_CHOSEN_SESSION_KEY] = language


def login_language_settle(*, request: HttpRequest, user) -> str | None:
    """The language the member's pages switch to at this login, or None (no line, or a stored
    language the site does not offer). A choice made before logging in is stored first."""
    chosen = _offered(request.session.pop(LANGUAGE_CHOSEN_SESSION_KEY, None))
    member = Member.objects.filter(user=user).only("pk", "language").first()
    if member is None:
        return chosen
    if chosen is not None:
        if chosen != member.language:
            member_language_set(member_id=member.pk, language=chosen)
        return chosen
    return _offered(member.language)


def email_language_for_recipient(*, template_prefix: str, email: str, user=None) -> str | None:
    """The language of an allauth email to ``email``: the stored language of the member of the
    login that owns the address (``user``, when the caller knows it), or None for the request's."""
    if template_prefix == SIGNUP_VERIFICATION_EMAIL:
        return None
    members = Member.objects.all()
    if user is not None and user.pk is not None:
        members = members.filter(user_id=user.pk)
    else:
        owners = EmailAddress.objects.filter(email__iexact=email).values("user_id")
        members = members.filter(user_id__in=owners)
    return _offered(members.values_list("language", flat=True).first())
