"""Account managers: the staff who know a member personally, and which members each one has.

DOMAIN.md's personal contact: VIP and enterprise members get a named person. A member has at
most one manager (``ManagerAssignment``, one row per member). Staff assign by hand, or
``ManagerRule`` rows assign by the member's customer type and segment to the least-loaded
manager of the rule's pool; a hand assignment is never changed by a rule.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from club.members.models import CustomerType, Segment
from club.members.phone import InvalidPhoneNumber, phone_to_e164


class AccountManager(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_manager",
        verbose_name=_("staff login"),
    )
    display_name = models.CharField(_("name shown to members"), max_length=80)
    phone = models.CharField(_("direct phone"), max_length=16, blank=True,
                             help_text=_("Shown to the members, e.g. +84912345678."))
    email = models.EmailField(_("direct email"), blank=True, help_text=_("Shown to the members."))
    capacity = models.PositiveIntegerField(
        _("members at most"), default=200,
        help_text=_("Rules assign no more members than this; staff may assign more by hand."),
    )
    active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Rules assign members only to active managers; an inactive manager's rule-assigned "
                    "members are given to another manager of the rule at the next run."),
    )

    class Meta:
        verbose_name = _("account manager")
        verbose_name_plural = _("account managers")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        if self.phone:
            try:
                self.phone = phone_to_e164(self.phone)
            except InvalidPhoneNumber:
                raise ValidationError({"phone": _("Enter a phone number, e.g. +84912345678.")}) from None
        if self.user_id and not self.user.is_staff:
            raise ValidationError({"user": _("An account manager must be a staff login.")})


class ManagerRule(models.Model):
    """Members of these customer types or segments get a manager from ``managers``."""

    name = models.CharField(_("name"), max_length=80)
    customer_types = models.JSONField(
        _("customer types"), default=list, blank=True,
        help_text=_("Members of any of these customer types match."),
    )
    segments = models.JSONField(
        _("segments"), default=list, blank=True, help_text=_("Members of any of these segments match."),
    )
    managers = models.ManyToManyField(AccountManager, related_name="rules", verbose_name=_("managers"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100,
        help_text=_("Lower runs first: a member matching two rules gets the first."),
    )
    live = models.BooleanField(_("live"), default=True)

    class Meta:
        verbose_name = _("account manager rule")
        verbose_name_plural = _("account manager rules")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        known_types, known_segments = set(CustomerType.values), set(Segment.values) - {""}
        if not isinstance(self.customer_types, list) or not set(self.customer_types) <= known_types:
            raise ValidationError({"customer_types": _("Choose customer types from the list.")})
        if not isinstance(self.segments, list) or not set(self.segments) <= known_segments:
            raise ValidationError({"segments": _("Choose segments from the list.")})
        if not self.customer_types and not self.segments:
            raise ValidationError(_("A rule needs at least one customer type or segment."))

    def member_filter(self) -> Q:
        condition = Q(pk__in=[])
        if self.customer_types:
            condition |= Q(customer_type__in=self.customer_types)
        if self.segments:
            condition |= Q(segment__in=self.segments)
        return condition


class AssignmentSource(models.TextChoices):
    RULE = "rule", _("By rule")
    HAND = "hand", _("By hand")


class ManagerAssignment(models.Model):
    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="care_assignment", verbose_name=_("member"),
    )
    manager = models.ForeignKey(
        AccountManager, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("manager"),
    )
    source = models.CharField(_("assigned"), max_length=4, choices=AssignmentSource.choices)
    rule = models.ForeignKey(ManagerRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField(_("since"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("account manager assignment")
        verbose_name_plural = _("account manager assignments")
        indexes = [models.Index(fields=["manager", "source"], name="care_assignment_manager_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.manager_id}"
