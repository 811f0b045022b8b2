from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberErasure(models.Model):
    """The audit record of a member's erasure (right to be forgotten): who asked, when.

    The member row itself is kept, pseudonymised (its id keys the ledger and the contact log),
    so this record points at it; one per member, which makes the erasure idempotent.
    """

    class Source(models.TextChoices):
        PORTAL = "portal", _("Member portal")
        STAFF = "staff", _("Staff")

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="erasure")
    source = models.CharField(_("requested through"), max_length=8, choices=Source.choices)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member erasure")

    def __str__(self) -> str:
        return f"Member {self.member_id} erased at {self.erased_at:%Y-%m-%d %H:%M}"
