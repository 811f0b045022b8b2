"""partners.api holds nothing about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import ApiKey

NOT_PERSONAL = exempt(ApiKey, reason="partner API keys; the user link is the staff who created one")
