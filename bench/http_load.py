"""What the HTTP benchmarks share: the server they measure, the clients that load it, and the
figures of a round.

The server is gunicorn (2 gthread workers x 8 threads: one process per core, a thread for each
client; ``BENCH_SERVER_WORKERS``, ``BENCH_SERVER_THREADS``) on a free port with the throw-away
bench database, DEBUG off and persistent connections. The clients are threads with keep-alive
``http.client`` connections. A kept-alive connection stays with the worker that accepted it, so
with more workers than cores (6 x 2 before) the clients that landed on a crowded worker waited
behind each other while others idled: a slower baseline and a long tail for both.

A round is **time-boxed** (``load(..., seconds=...)``): every client sends request after
request until the round's time is up, so all of them are busy for the whole round whatever
worker their connection landed on. The round ends when the last request in flight at the
deadline has its answer, and that time counts. (A fixed number of requests per client, the
other mode, kept for benchmarks that must know their count in advance, ends each round with the
clients of the less crowded worker done and that worker idle while the other drains.)
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SERVER_WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", 2))
SERVER_THREADS = int(os.environ.get("BENCH_SERVER_THREADS", 8))
ROOT = Path(__file__).resolve().parents[1]

# (method, path, body or None, extra headers); None: this client has nothing more to send.
Request = tuple[str, str, bytes | None, dict[str, str]]
RequestMaker = Callable[[int, int], Request | None]


@dataclass(frozen=True)
class Load:
    latencies: list[float]  # seconds, sorted
    statuses: dict[int, int]
    seconds: float
    exhausted: int = 0  # clients that ran out of requests before the round's end

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def p95_ms(self) -> float:
        return self.percentile_ms(95)

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(99)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    def percentile_ms(self, percent: int) -> float:
        return self.latencies[max(int(len(self.latencies) * percent / 100) - 1, 0)] * 1000

    @classmethod
    def combined(cls, loads: list[Load]) -> Load:
        statuses: dict[int, int] = {}
        for one in loads:
            for status, count in one.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
        return cls(
            latencies=sorted(latency for one in loads for latency in one.latencies),
            statuses=statuses,
            seconds=sum(one.seconds for one in loads),
            exhausted=sum(one.exhausted for one in loads),
        )


def load(
    port: int,
    clients: int,
    make_request: RequestMaker,
    *,
    seconds: float | None = None,
    per_client: int | None = None,
) -> Load:
    """``clients`` threads, each on its own kept-alive connection, sending ``make_request(client,
    number)`` until ``seconds`` have passed (time-boxed) or ``per_client`` requests are sent."""
    if (seconds is None) == (per_client is None):
        raise ValueError("give either seconds or per_client")
    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]
    exhausted = [False] * clients
    deadline = [0.0]

    def work(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        number = 0
        while (time.perf_counter() < deadline[0]) if per_client is None else (number < per_client):
            request = make_request(index, number)
            if request is None:
                exhausted[index] = True
                break
            method, path, body, headers = request
            started = time.perf_counter()
            status = send(connection, method, path, body, {"Host": "127.0.0.1", **headers})
            latencies[index].append(time.perf_counter() - started)
            statuses[index][status] = statuses[index].get(status, 0) + 1
            number += 1
        connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + (seconds or 0.0)
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged: dict[int, int] = {}
    for per_thread in statuses:
        for status, count in per_thread.items():
            merged[status] = merged.get(status, 0) + count
    return Load(
        latencies=sorted(latency for per_thread in latencies for latency in per_thread),
        statuses=merged,
        seconds=elapsed,
        exhausted=sum(exhausted),
    )


def send(connection: http.client.HTTPConnection, method: str, path: str, body, headers) -> int:
    for attempt in range(2):
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()  # the server closed a kept-alive connection: reconnect once
            if attempt:
                raise
    raise AssertionError("unreachable")


def minimal_request(client_index: int, number: int) -> Request:
    """The baseline of every HTTP benchmark: ``GET /bench/minimal`` (bench/minimal_view.py)."""
    return "GET", "/bench/minimal", None, {}


@contextlib.contextmanager
def served(*, celery_worker: bool = False):
    """The bench server (``_start_server``) on a free port, up: yields the port. With
    ``celery_worker``, one Celery worker too (``--pool solo``: one process) on the same database
    and broker, for work the requests queue. If the body fails, the tail of the logs is printed;
    the processes are stopped at the end."""
    port = _free_port()
    log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a full pipe would block the server
    processes = [_start_server(port, log)]
    try:
        if celery_worker:
            processes.append(_start_celery_worker(log))
        _wait_until_up(port)
        yield port
    except Exception:
        log.seek(0)
        print(log.read()[-3000:], file=sys.stderr)
        raise
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{credentials}@" if credentials else ""
    return f"postgres://{host}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _server_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_MINIMAL_VIEW": "1",
    }


def _start_celery_worker(log) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    return subprocess.Popen(
        [str(celery), "-A", "config", "worker", "--pool", "solo", "--loglevel", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=_server_environment(), stdout=subprocess.DEVNULL, stderr=log,
    )


def _start_server(port: int, log) -> subprocess.Popen:
    env = _server_environment()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(SERVER_WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(SERVER_THREADS),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def _wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/minimal")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the bench server did not answer on port {port} within {timeout} s")


@dataclass(frozen=True)
class Comparison:
    """A measured request against the baseline on one server: alternating time-boxed rounds at
    ``clients``, then the measured request alone (and the baseline) at a few clients."""

    baseline_rounds: list[Load]
    measured_rounds: list[Load]
    few: Load
    few_baseline: Load

    @property
    def baseline(self) -> Load:
        return Load.combined(self.baseline_rounds)

    @property
    def measured(self) -> Load:
        return Load.combined(self.measured_rounds)

    @property
    def ratio(self) -> float:
        return self.measured.per_second / self.baseline.per_second

    def rounds_text(self) -> str:
        """Per round, baseline/measured requests per second."""
        return ", ".join(f"{b.per_second:.0f}/{m.per_second:.0f}"
                         for b, m in zip(self.baseline_rounds, self.measured_rounds, strict=True))


def compare(
    port: int, *, clients: int, measured: RequestMaker, few_clients: int, few_measured: RequestMaker,
    baseline: RequestMaker = minimal_request, rounds: int = 5, seconds: float = 3.0,
    warmup: tuple[int, int] = (5, 4), settle: Callable[[], None] | None = None,
) -> Comparison:
    """Warm up (``warmup``: requests per client of the baseline, then of the measured request),
    then ``rounds`` rounds of ``seconds`` each of the baseline and the measured request in turn,
    so that a change of load on the machine hits both; then ``rounds`` rounds of the measured
    request at ``few_clients`` (``few_measured``: their own requests) and one of the baseline.

    ``settle``: for requests whose work finishes after the answer (queued to a worker): it
    returns once that work is done, and a measured round's time includes it."""

    def measured_load(clients: int, maker: RequestMaker, **how) -> Load:
        done = load(port, clients, maker, **how)
        if settle is None:
            return done
        started = time.perf_counter()
        settle()
        return Load(done.latencies, done.statuses, done.seconds + time.perf_counter() - started,
                    done.exhausted)

    load(port, clients, baseline, per_client=warmup[0])
    measured_load(clients, measured, per_client=warmup[1])
    baseline_rounds, measured_rounds = [], []
    for _round in range(rounds):
        baseline_rounds.append(load(port, clients, baseline, seconds=seconds))
        measured_rounds.append(measured_load(clients, measured, seconds=seconds))
    few = Load.combined([
        measured_load(few_clients, few_measured, seconds=seconds) for _round in range(rounds)
    ])
    few_baseline = load(port, few_clients, baseline, seconds=seconds)
    return Comparison(baseline_rounds, measured_rounds, few, few_baseline)
