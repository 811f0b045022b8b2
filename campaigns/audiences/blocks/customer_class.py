"""The customer-class condition: the classes of the Viettel article (DOMAIN.md section 4) that
``club.profiles``' segment classification keeps on each profile: large customers, customers
often in arrears, customers lost to a competitor. A member matches when any ticked class is
theirs; a member without a profile or without profiling consent has no class."""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from club.profiles.models import MemberProfile

from .base import ChoiceCondition, tick_boxes
from .profile import PROFILE

CUSTOMER_CLASSES = {
    "large": ("is_large_customer", gettext_lazy("Large customer")),
    "often_in_arrears": ("is_often_in_arrears", gettext_lazy("Often in arrears")),
    "lost_to_competitor": ("is_lost_to_competitor", gettext_lazy("Lost to a competitor")),
}


class CustomerClassCondition(ChoiceCondition):
    choice_field = "classes"
    text = gettext_lazy("Customer class is %(chosen)s")
    classes = tick_boxes(
        [(key, label) for key, (_field, label) in CUSTOMER_CLASSES.items()], label=gettext_lazy("Classes"),
        help_text=gettext_lazy("Set by the segment rules (Members > Segment rules). Audiences hold active "
                               "members only, so a line lost to a competitor is in none until it returns."),
    )

    class Meta:
        label = gettext_lazy("Customer class")
        icon = "pick"
        group = PROFILE

    def member_filter(self, value, *, on):
        flags = reduce(operator.or_, (Q(**{CUSTOMER_CLASSES[key][0]: True}) for key in value["classes"]))
        return Q(Exists(MemberProfile.objects.filter(flags, member=OuterRef("pk"))))
