"""The embedded default for a newcomer: SQLite, eager Celery, console email and SMS."""

from .base import *  # noqa: F403
from .env import env

DEBUG = env.bool("DEBUG", default=True)
