"""``manage.py load_demo``: build the demo operator. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand

from cms.demo.campaigns import demo_campaigns_load, demo_campaigns_send
from cms.demo.care import demo_care_load
from cms.demo.care_surveys import demo_care_feedback_load
from cms.demo.events import demo_event_rsvps, demo_events
from cms.demo.financial import demo_financial_load
from cms.demo.financial_bundles import demo_bundles_load
from cms.demo.membership import demo_membership_load
from cms.demo.partners import demo_partners_load, partner_logins
from cms.demo.people import demo_people_load
from cms.demo.site import demo_site_load
from cms.demo.subscribers import demo_subscribers_load


class Command(BaseCommand):
    help = "Load the demo operator (subscribers, logins, site). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=3000, help="How many subscribers.")

    def handle(self, *args, members: int, **options):
        home = demo_site_load()
        result = demo_subscribers_load(count=members)
        report = result.report
        if report.errors:
            for error in report.errors[:20]:
                self.stderr.write(f"row {error.row} {error.column}: {error.message}")
            raise SystemExit("The demo subscribers did not import; nothing was written.")
        logins = demo_people_load()
        financial = demo_financial_load()
        bundles = demo_bundles_load()
        events = demo_events()
        rsvps = demo_event_rsvps(events)
        care = demo_care_load()
        feedback = demo_care_feedback_load()
        membership_prices = demo_membership_load()
        campaigns = demo_campaigns_load()
        runs = demo_campaigns_send()
        partners = demo_partners_load()
        self.stdout.write(
            f"Demo operator: site '{home.title}'; subscribers created {report.created}, "
            f"updated {report.updated}, unchanged {report.unchanged}; "
            f"interest links added {result.interests_linked}."
        )
        self.stdout.write(
            f"Financial tier: tiers created {financial.tiers_created}, earning rules created "
            f"{financial.rules_created}, discount schedules created {financial.discount_schedules_created}, "
            f"rewards created {financial.rewards_created}, new redemptions {financial.redemptions_new}; "
            f"billing events sent {financial.events_sent}, applied "
            f"{financial.events_applied}, duplicates {financial.events_duplicate}, "
            f"quarantined {financial.events_quarantined}."
        )
        self.stdout.write(
            f"Bundles: components created {bundles.components_created}, templates created "
            f"{bundles.templates_created}."
        )
        self.stdout.write(
            f"Club events: pages created {events.created} (index and "
            f"{', '.join(page.title for page in events.events)}); new RSVPs {rsvps}."
        )
        self.stdout.write(
            f"Personal contact: account managers created {care.managers_created}; by rule "
            f"{care.run.assigned} members assigned, {care.run.unplaced} unplaced; contacts recorded "
            f"{care.contacts_created}."
        )
        self.stdout.write(f"Satisfaction: survey answers created {feedback.responses_created}, "
                          f"complaints created {feedback.complaints_created}.")
        self.stdout.write(f"Club membership: prices created {membership_prices}.")
        self.stdout.write(
            f"Campaigns: audiences created {campaigns.audiences_created}, campaigns created "
            f"{campaigns.campaigns_created}; sends started {runs}."
        )
        self.stdout.write(
            f"Partners: created {partners.partners_created}, codes generated {partners.codes_generated}, "
            f"redemptions {partners.redemptions}, statements issued {partners.statements_issued}."
        )
        self.stdout.write("Demo logins (password after the colon):")
        for login in [*logins, *partner_logins()]:
            note = f"  ({login.note})" if login.note else ""
            self.stdout.write(f"  {login.role:12} {login.email}: {login.password}{note}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/")
