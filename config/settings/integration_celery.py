"""Celery: the broker is Redis when REDIS_URL is set; otherwise tasks run eagerly in-process."""

from celery.schedules import crontab

from .env import env

_redis_url = env.str("REDIS_URL", default="")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_redis_url or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _redis_url)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")

# A process that ingested billing events queues the profiles' refresh drain at most this often
# (seconds): a member's profile follows their events within about this long (docs/profiles.md).
PROFILES_REFRESH_WAKE_SECONDS = env.float("PROFILES_REFRESH_WAKE_SECONDS", default=1.0)

# The beat schedule lives here, next to the other settings; each later feature adds its entry.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "ledger-clear-pending-points": {"task": "ledger.points_clear_due", "schedule": 600.0},
    "ledger-expire-points": {"task": "ledger.points_expire_due", "schedule": 3600.0},
    # club events starting within EVENTS_REMINDER_HOURS: one reminder per confirmed member
    "events-reminders": {"task": "events.reminders_send", "schedule": 900.0},
    # crontab times are in CELERY_TIMEZONE, the operator's
    "earning-anniversary": {"task": "earning.anniversary_daily", "schedule": crontab(hour=0, minute=20)},
    "tiers-recompute-nightly": {"task": "tiers.recompute_nightly", "schedule": crontab(hour=2, minute=30)},
    # after the tiers: the earned club membership (volume and tenure)
    "membership-earned-nightly": {
        "task": "membership.earned_evaluate_nightly", "schedule": crontab(hour=2, minute=50),
    },
    # Stripe events still pending (a lost wake-up: broker or cache down, worker killed)
    "membership-stripe-inbox-drain": {"task": "membership.stripe_inbox_drain", "schedule": 60.0},
    # profile refreshes asked for by billing and not yet done (a lost wake-up, a killed drain)
    "profiles-refresh-drain": {"task": "profiles.refresh_drain", "schedule": 60.0},
    # refused billing events older than QUARANTINE_RETENTION_DAYS
    "billing-quarantine-purge": {"task": "billing.quarantine_purge", "schedule": crontab(hour=4, minute=10)},
    # erased members' subscriptions still to cancel at Stripe (a lost task, a failed call)
    "membership-stripe-cancellations": {"task": "membership.stripe_cancellations_due", "schedule": 60.0},
    "contact-send-due": {"task": "contact.deliveries_send_due", "schedule": 60.0},  # quiet hours over
    # every minute, on the minute: Wagtail's scheduled go-live/expiry, then the campaign sends
    "wagtail-publish-scheduled": {"task": "sends.wagtail_publish_scheduled", "schedule": crontab()},
    "sends-tick": {"task": "sends.tick", "schedule": crontab()},
    # the audiences' stored counts: lifecycle conditions (birthdays, expiring points) move daily
    "audiences-counts-refresh": {
        "task": "audiences.counts_refresh_nightly", "schedule": crontab(hour=3, minute=0),
    },
    # account managers by rule, after the nightly tier recompute (segments and types are fresh)
    "care-managers-assign": {"task": "care.managers_assign_by_rules", "schedule": crontab(hour=3, minute=30)},
    # every member's profile, then segments and churn scores (club/profiles/pipeline.py): done
    # before the audiences' counts (03:00) and the managers' rules (03:30) read the segments
    "profiles-refresh-nightly": {
        "task": "profiles.refresh_all_nightly", "schedule": crontab(hour=1, minute=30),
    },
    # the bundle recommender's add-on counts, from the members' add-on services (docs/bundles.md)
    "bundles-addon-stats": {
        "task": "bundles.addon_stats_refresh_nightly", "schedule": crontab(hour=4, minute=0),
    },
    # partners' settlement: every partner's draft statement for the month just ended (docs/partners.md)
    "settlement-prepare-last-month": {
        "task": "settlement.statements_prepare_last_month",
        "schedule": crontab(day_of_month=1, hour=5, minute=0),
    },
}
