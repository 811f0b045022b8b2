from django.conf import settings
from django.db import models
from django.db.models import F, Q


class LineLinkChallenge(models.Model):
    """A one-time code sent by SMS to prove a portal user holds a subscriber line.

    Only a digest of the code is stored. ``attempts`` is raised with ``F()`` in a conditional
    UPDATE, so parallel guesses can never exceed ``max_attempts``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="link_challenge_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__lte=F("max_attempts")), name="link_challenge_attempts_capped"
            )
        ]

    def __str__(self) -> str:
        return f"Link challenge {self.pk} for member {self.member_id}"
