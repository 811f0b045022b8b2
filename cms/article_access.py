"""Who may read a members-only article, and the article feed ordered by a member's interests.

An article is for ``everyone`` (the default), for ``members`` (a login linked to a subscriber
line) or for ``club`` members (a club membership, earned or paid, that entitles them now); a
minimum tier narrows any of them to members at or above that tier. Whoever may not read it
sees the title, date and introduction (the teaser) and what would let them in. docs/site.md
("Members-only articles") has the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from club.members.models import Member
from club.members.selectors import member_for_user
from club.membership.models import ENTITLED_STATUSES, ClubMembership
from rewards.tiers.selectors import current_tiers


class Audience:
    EVERYONE = "everyone"
    MEMBERS = "members"
    CLUB = "club"


@dataclass(frozen=True)
class ArticleAccess:
    allowed: bool
    # why not: "log_in" (nobody logged in), "link" (no line linked), "club" (not a club member),
    # "tier" (below the article's tier); "" when allowed
    reason: str = ""
    min_tier_name: str = ""


def article_is_gated(article) -> bool:
    return article.audience != Audience.EVERYONE or article.min_tier_id is not None


def article_access(*, article, user, member: Member | None = None) -> ArticleAccess:
    """Whether ``user`` may read ``article`` (``member``: their line, when already read)."""
    if not article_is_gated(article):
        return ArticleAccess(allowed=True)
    tier_name = article.min_tier.name if article.min_tier_id else ""
    if not user.is_authenticated:
        return ArticleAccess(allowed=False, reason="log_in", min_tier_name=tier_name)
    member = member or member_for_user(user=user)
    if member is None:
        return ArticleAccess(allowed=False, reason="link", min_tier_name=tier_name)
    if article.audience == Audience.CLUB and not ClubMembership.objects.filter(
        member_id=member.pk, status__in=ENTITLED_STATUSES,
    ).exists():
        return ArticleAccess(allowed=False, reason="club", min_tier_name=tier_name)
    if article.min_tier_id is not None:
        rank = current_tiers(member_ids=[member.pk])[member.pk].rank
        if rank < article.min_tier.rank:
            return ArticleAccess(allowed=False, reason="tier", min_tier_name=tier_name)
    return ArticleAccess(allowed=True)


def articles_for_member(articles: QuerySet, *, member: Member | None) -> QuerySet:
    """``articles`` ordered for ``member``: those sharing most of the member's interests first,
    then the newest; newest first for everyone else (or a member without interests)."""
    if member is None:
        return articles.order_by("-date", "-pk")
    interest_ids = list(member.interests.values_list("pk", flat=True))
    if not interest_ids:
        return articles.order_by("-date", "-pk")
    return articles.annotate(
        shared_interests=Count("interests", filter=Q(interests__in=interest_ids), distinct=True),
    ).order_by("-shared_interests", "-date", "-pk")
