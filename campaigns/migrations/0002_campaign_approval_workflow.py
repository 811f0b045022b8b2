"""The "marketer drafts, approver approves" workflow for campaigns.

Two groups: Marketers (add, change and submit campaigns and audiences; no publishing) and
Campaign approvers (approve, i.e. publish). A one-task workflow whose task is approval by the
approvers' group, assigned to the Campaign snippet. Idempotent; edit it later in Settings >
Workflows like any other.
"""

from django.db import migrations

MARKETERS = "Marketers"
APPROVERS = "Campaign approvers"
WORKFLOW = "Campaign approval"


def _permission(apps, content_type, codename: str, name: str):
    Permission = apps.get_model("auth.Permission")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Permission = apps.get_model("auth.Permission")

    campaign_type, _ = ContentType.objects.get_or_create(app_label="campaigns", model="campaign")
    audience_type, _ = ContentType.objects.get_or_create(app_label="audiences", model="audience")
    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()

    edit = [
        _permission(apps, campaign_type, f"{verb}_campaign", f"Can {verb} campaign")
        for verb in ("add", "change", "view")
    ] + [
        _permission(apps, audience_type, f"{verb}_audience", f"Can {verb} audience")
        for verb in ("add", "change", "view")
    ]
    publish = _permission(apps, campaign_type, "publish_campaign", "Can publish campaign")
    lock = _permission(apps, campaign_type, "lock_campaign", "Can lock campaign")

    marketers, _ = Group.objects.get_or_create(name=MARKETERS)
    approvers, _ = Group.objects.get_or_create(name=APPROVERS)
    extra = [admin_access] if admin_access else []
    marketers.permissions.add(*edit, *extra)
    approvers.permissions.add(*edit, publish, lock, *extra)

    task = GroupApprovalTask.objects.filter(name=f"{APPROVERS} approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=f"{APPROVERS} approval", content_type=task_type, active=True
        )
    task.groups.add(approvers)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.update_or_create(content_type=campaign_type, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("audiences", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
