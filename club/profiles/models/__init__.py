from .profile import MemberProfile

__all__ = [
    "MemberProfile",
]
