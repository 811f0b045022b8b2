"""The operator's review runs on the campaigns' own approval workflow: when the workflow of a
co-promotion's campaign is approved, the co-promotion is approved (its terms lock); when the
approver asks for changes, it is rejected. Wagtail's workflow signals carry the decision; the
services do the work (``copromotion_approve`` / ``copromotion_reject``)."""

from __future__ import annotations

from wagtail.signals import workflow_approved, workflow_rejected


def _copromotion_id_of(workflow_state) -> int | None:
    from campaigns.models import Campaign

    from .models import CoPromotion

    if workflow_state.content_type.model_class() is not Campaign:
        return None
    return (
        CoPromotion.objects.filter(campaign_id=workflow_state.object_id).values_list("pk", flat=True).first()
    )


def on_workflow_approved(sender, instance, user=None, **kwargs) -> None:
    from .services import copromotion_approve

    copromotion_id = _copromotion_id_of(instance)
    if copromotion_id is not None:
        copromotion_approve(copromotion_id=copromotion_id, user_id=getattr(user, "pk", None))


def on_workflow_rejected(sender, instance, user=None, **kwargs) -> None:
    from .services import copromotion_reject

    copromotion_id = _copromotion_id_of(instance)
    if copromotion_id is not None:
        state = instance.current_task_state
        comment = state.get_comment() if state is not None else ""
        copromotion_reject(copromotion_id=copromotion_id, user_id=getattr(user, "pk", None), comment=comment)


def connect_campaign_workflow() -> None:
    workflow_approved.connect(on_workflow_approved, dispatch_uid="copromotion-approved")
    workflow_rejected.connect(on_workflow_rejected, dispatch_uid="copromotion-rejected")
