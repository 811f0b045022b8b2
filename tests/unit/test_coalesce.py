"""config.coalesce.Coalesced: a burst of requests makes one run at once and one after, and
every request is followed by a run that started after it."""

from __future__ import annotations

import threading
import time

from config.coalesce import Coalesced


def test_with_no_delay_every_request_runs_at_once_in_the_callers_thread():
    threads = []
    coalesced = Coalesced(lambda: threads.append(threading.current_thread()), 0)
    for _ in range(3):
        coalesced()
    assert threads == [threading.current_thread()] * 3


def test_a_burst_runs_once_at_once_and_once_when_its_time_is_up():
    runs: list[float] = []
    done = threading.Event()

    def call():
        runs.append(time.monotonic())
        if len(runs) == 2:
            done.set()

    coalesced = Coalesced(call, 0.2)
    asked = []
    for _ in range(50):
        asked.append(time.monotonic())
        coalesced()
    assert len(runs) == 1  # the first request ran it; the other 49 wait for one more run
    assert done.wait(2)
    time.sleep(0.3)
    assert len(runs) == 2
    assert runs[1] >= asked[-1]  # the last request is followed by a run
    assert runs[1] - runs[0] >= 0.19


def test_a_request_after_the_quiet_time_runs_at_once_again():
    runs = []
    coalesced = Coalesced(lambda: runs.append(1), 0.05)
    coalesced()
    time.sleep(0.08)
    coalesced()
    assert runs == [1, 1]


def test_a_failing_delayed_run_is_logged_and_the_next_burst_still_runs(caplog):
    runs = []

    def call():
        runs.append(1)
        if len(runs) == 2:
            raise RuntimeError("broker down")

    coalesced = Coalesced(call, 0.05)
    coalesced()
    coalesced()  # delayed: raises on the timer thread
    time.sleep(0.15)
    coalesced()
    assert len(runs) == 3
    assert "coalesced call" in caplog.text
