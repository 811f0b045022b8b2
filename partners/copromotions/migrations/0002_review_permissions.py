"""Marketers and campaign approvers review co-promotions: they may view them and change their
terms (the only fields the admin edits). Nobody adds or deletes them in the admin."""

from django.db import migrations

GROUPS = ("Marketers", "Campaign approvers")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="copromotions", model="copromotion")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=f"{verb}_copromotion", defaults={"name": f"Can {verb} co-promotion"}
        )[0]
        for verb in ("view", "change")
    ]
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("copromotions", "0001_initial"),
        ("campaigns", "0002_campaign_approval_workflow"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
