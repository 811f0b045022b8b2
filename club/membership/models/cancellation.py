from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StripeCancellation(models.Model):
    """A Stripe subscription to cancel because its member was erased (docs/privacy.md): the
    outbox row is written in the erasure's transaction, so a crash after it commits loses
    nothing; ``stripe_cancellation_perform`` makes the call outside any transaction, then marks
    the row done. One row per subscription (unique), so a second erasure adds nothing."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("member"))
    subscription_id = models.CharField(_("Stripe subscription"), max_length=100, unique=True)
    requested_at = models.DateTimeField(_("requested at"))
    # A worker that takes the row holds it until then: a second worker skips it, and a worker
    # that died leaves it to the next try once the time has passed.
    claimed_until = models.DateTimeField(_("taken until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("cancelled at Stripe"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe cancellation")
        verbose_name_plural = _("Stripe cancellations")
        indexes = [
            models.Index(fields=["id"], condition=Q(done_at__isnull=True), name="stripe_cancel_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"cancel {self.subscription_id} ({'done' if self.done_at else 'pending'})"
