# Tickets, check-in, attendance points, reminders and calendar feeds (docs/events.md).

import club.events.models.rsvp
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def give_tokens(apps, schema_editor):
    Rsvp = apps.get_model("events", "Rsvp")
    for rsvp in Rsvp.objects.filter(ticket_token__isnull=True).only("pk").iterator():
        Rsvp.objects.filter(pk=rsvp.pk).update(ticket_token=club.events.models.rsvp.ticket_token_new())


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_initial'),
        ('members', '0003_member_erasure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=club.events.models.rsvp.ticket_token_new, editable=False, max_length=64, unique=True, verbose_name='token')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'calendar feed',
            },
        ),
        migrations.AlterModelOptions(
            name='rsvp',
            options={'ordering': ['event', 'created_at', 'id'], 'permissions': [('check_in_rsvp', 'Can check members in at club events')], 'verbose_name': 'RSVP', 'verbose_name_plural': 'RSVPs'},
        ),
        migrations.AddField(
            model_name='eventpage',
            name='attendance_points',
            field=models.PositiveIntegerField(default=0, help_text='Points credited to a member checked in at the door. 0: none.', verbose_name='attendance points'),
        ),
        migrations.AddField(
            model_name='eventpage',
            name='check_in_closes_minutes_after_end',
            field=models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(10080)], verbose_name='check-in closes (minutes after the end)'),
        ),
        migrations.AddField(
            model_name='eventpage',
            name='check_in_opens_minutes_before',
            field=models.PositiveSmallIntegerField(default=120, validators=[django.core.validators.MaxValueValidator(10080)], verbose_name='check-in opens (minutes before the start)'),
        ),
        migrations.AddField(
            model_name='rsvp',
            name='checked_in_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='checked in at'),
        ),
        migrations.AddField(
            model_name='rsvp',
            name='checked_in_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='checked in by'),
        ),
        migrations.AddField(
            model_name='rsvp',
            name='reminder_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reminder sent at'),
        ),
        # Existing RSVPs get a token each (a callable default would give them all one value).
        migrations.AddField(
            model_name='rsvp',
            name='ticket_token',
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name='ticket token'),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='rsvp',
            name='ticket_token',
            field=models.CharField(default=club.events.models.rsvp.ticket_token_new, editable=False, max_length=64, unique=True, verbose_name='ticket token'),
        ),
        migrations.AddConstraint(
            model_name='rsvp',
            constraint=models.CheckConstraint(condition=models.Q(('checked_in_at__isnull', True), ('status', 'confirmed'), _connector='OR'), name='rsvp_checked_in_only_confirmed'),
        ),
        migrations.AddField(
            model_name='calendarfeed',
            name='member',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to='members.member', verbose_name='member'),
        ),
    ]
