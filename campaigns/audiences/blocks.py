"""The audience rule builder's conditions: one StreamField block per member attribute."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from club.members.models import CustomerType, Segment


class ConditionBlock(blocks.StructBlock):
    exclude = blocks.BooleanBlock(required=False, label=_("Exclude members who match"))


class SegmentCondition(ConditionBlock):
    segments = blocks.MultipleChoiceBlock(choices=[c for c in Segment.choices if c[0]], label=_("Segments"))

    class Meta:
        label = _("Segment")
        icon = "group"


class CustomerTypeCondition(ConditionBlock):
    customer_types = blocks.MultipleChoiceBlock(choices=CustomerType.choices, label=_("Customer types"))

    class Meta:
        label = _("Customer type")
        icon = "user"


def condition_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        ("segment", SegmentCondition()),
        ("customer_type", CustomerTypeCondition()),
    ]
