"""The budget spread over slices (services/budget.py); the single rows become eight slices."""

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


SLICES = 8


def spread(total, parts):
    whole, odd = divmod(Decimal(total), parts)
    return [whole + (1 if i < odd else 0) for i in range(parts)]


def slice_budgets(apps, schema_editor):
    """Each single budget row becomes 8 slices: slice 0 keeps what was spent, the room left is
    spread over all eight; the live redemptions are recorded on slice 0."""
    Budget = apps.get_model("copromotions", "CoPromotionBudget")
    Slice = apps.get_model("copromotions", "CoPromotionBudgetSlice")
    Redemption = apps.get_model("copromotions", "PartnerRedemption")
    rows = []
    for account in Budget.objects.all().iterator():
        for index, share in enumerate(spread(account.budget - account.spent, SLICES)):
            spent = account.spent if index == 0 else Decimal(0)
            rows.append(Slice(account_id=account.pk, index=index, cap=spent + share, spent=spent))
    Slice.objects.bulk_create(rows, batch_size=1000)
    Redemption.objects.filter(reversed_at__isnull=True).update(budget_slice=0)


def unslice_budgets(apps, schema_editor):
    Budget = apps.get_model("copromotions", "CoPromotionBudget")
    Slice = apps.get_model("copromotions", "CoPromotionBudgetSlice")
    for account in Budget.objects.all().iterator():
        spent = sum(Slice.objects.filter(account_id=account.pk).values_list("spent", flat=True), Decimal(0))
        Budget.objects.filter(pk=account.pk).update(spent=spent)


class Migration(migrations.Migration):

    dependencies = [
        ('copromotions', '0002_review_permissions'),
    ]

    operations = [
        migrations.CreateModel(
            name='CoPromotionBudgetSlice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index', models.PositiveSmallIntegerField()),
                ('cap', models.DecimalField(decimal_places=0, max_digits=18, verbose_name='cap')),
                ('spent', models.DecimalField(decimal_places=0, default=Decimal('0'), max_digits=18, verbose_name='spent')),
            ],
            options={
                'verbose_name': 'co-promotion budget slice',
            },
        ),
        migrations.AddField(
            model_name='copromotionbudgetslice',
            name='account',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slices', to='copromotions.copromotionbudget'),
        ),
        migrations.AddConstraint(
            model_name='copromotionbudgetslice',
            constraint=models.UniqueConstraint(fields=('account', 'index'), name='copromotion_budget_slice_unique'),
        ),
        migrations.AddConstraint(
            model_name='copromotionbudgetslice',
            constraint=models.CheckConstraint(condition=models.Q(('spent__gte', 0), ('spent__lte', models.F('cap'))), name='copromotion_budget_slice_within_cap'),
        ),
        migrations.AddField(
            model_name='partnerredemption',
            name='budget_slice',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(slice_budgets, unslice_budgets),
        migrations.RemoveConstraint(
            model_name='copromotionbudget',
            name='copromotion_budget_within_limit',
        ),
        migrations.RemoveField(
            model_name='copromotionbudget',
            name='spent',
        ),
        migrations.AddConstraint(
            model_name='copromotionbudget',
            constraint=models.CheckConstraint(condition=models.Q(('budget__gte', 0)), name='copromotion_budget_not_negative'),
        ),
    ]
