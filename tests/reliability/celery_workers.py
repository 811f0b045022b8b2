"""Real Celery workers for reliability tests: separate processes on the test database and a
Redis broker, on a queue and key prefix of their own (nobody else's tasks are taken, and
nothing is left behind), which a test can SIGKILL and start again."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import kombu.pools
from django.conf import settings
from django.db import connection

from config.celery import app

REPO = Path(__file__).resolve().parents[2]

WORKER = """
import json, os, django
django.setup()
from django.conf import settings
for name, value in json.loads(os.environ["TEST_DJANGO_SETTINGS"]).items():
    setattr(settings, name, value)
from config.celery import app
app.conf.update(json.loads(os.environ["TEST_CELERY_CONF"]))
app.worker_main(["worker", "-Q", os.environ["TEST_QUEUE"], "-c", os.environ["TEST_CONCURRENCY"],
                 "-P", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "-n", os.environ["TEST_NAME"] + "@%h", "-l", "info"])
"""


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """``count`` worker processes of ``concurrency`` each, consuming one private queue."""

    def __init__(self, *, count: int = 2, concurrency: int = 1, visibility_timeout: float = 3600,
                 extra_settings: dict | None = None):
        self.count, self.concurrency = count, concurrency
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        self.prefix = f"{self.queue}:"
        self.conf = {
            "task_always_eager": False,
            "broker_url": settings.REDIS_URL,
            "task_default_queue": self.queue,
            "broker_transport_options": {
                "visibility_timeout": visibility_timeout, "global_keyprefix": self.prefix,
                "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
            },
        }
        self.extra_settings = extra_settings or {}
        self.logs = Path(tempfile.mkdtemp(prefix="troika-workers-"))
        self.processes: list[subprocess.Popen] = []
        self.generation = 0
        self._saved: dict = {}

    # --- the test process publishes to the same queue ------------------------------------
    def _publish_here(self) -> None:
        self._saved = {key: app.conf[key] for key in self.conf}
        app.conf.update(self.conf)
        self._reset_producers()

    def _publish_restore(self) -> None:
        app.conf.update(self._saved)
        self._reset_producers()

    @staticmethod
    def _reset_producers() -> None:
        with contextlib.suppress(Exception):
            if app._pool is not None:
                app._pool.force_close_all()
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None
        # kombu keeps producer pools per connection in a process-wide registry: the one of the
        # broker used before still points at the pool just closed, and even an eager task takes
        # a producer from it (Celery's apply_async). Start every pool afresh.
        kombu.pools.reset()

    # --- the workers ----------------------------------------------------------------------
    def start(self) -> None:
        self.generation += 1
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_CELERY_CONF": json.dumps(self.conf),
            "TEST_QUEUE": self.queue,
            "TEST_CONCURRENCY": str(self.concurrency),
            "TEST_DJANGO_SETTINGS": json.dumps(self.extra_settings),
        }
        for index in range(self.count):
            name = f"w{self.generation}-{index}"
            log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            self.processes.append(subprocess.Popen(
                [sys.executable, "-c", WORKER], cwd=REPO, env={**env, "TEST_NAME": name},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            ))
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = sum("ready." in path.read_text() for path in self.logs.glob(f"w{self.generation}-*.log"))
            if ready >= self.count:
                return
            time.sleep(0.1)
        raise RuntimeError(f"workers not ready after {timeout} s:\n{self.log_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL every worker with its pool processes: nothing is acknowledged or cleaned up."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait()
        self.processes = []

    def log_text(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.logs.glob("*.log")))

    def purge(self) -> None:
        """Delete the broker keys of this queue (messages, unacked ones)."""
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{self.prefix}*"))
        if keys:
            client.delete(*keys)

    @contextlib.contextmanager
    def running(self) -> Iterator[Workers]:
        self._publish_here()
        try:
            self.start()
            yield self
        finally:
            self.kill()
            self.purge()
            self._publish_restore()
