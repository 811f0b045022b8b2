"""``manage.py stripe_reconcile``: bring the club memberships in line with Stripe's subscriptions
(docs/membership.md). Safe to run any time, as often as wanted; a second run changes nothing."""

from django.core.management.base import BaseCommand

from club.membership.services.reconcile import stripe_reconcile


class Command(BaseCommand):
    help = "Compare club memberships with Stripe's subscriptions and repair missing, extra or outdated ones."

    def handle(self, *args, **options):
        report = stripe_reconcile()
        self.stdout.write(report.summary())
        if report.unmatched:
            self.stdout.write("Subscriptions without a member: " + ", ".join(sorted(report.unmatched)))
