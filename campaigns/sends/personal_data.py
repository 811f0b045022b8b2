"""campaigns.sends holds nothing about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import ReachSimulation, Run, RunChunk

NOT_PERSONAL = exempt(Run, RunChunk, ReachSimulation,
                      reason="send runs and simulations: counts per campaign; their users are staff")
