"""Running calls at the same moment in threads, for the tests that race requests."""

from __future__ import annotations

import threading

from django.db import connection


def at_once(calls, *, caught: tuple[type[BaseException], ...]) -> list:
    """Run the calls at the same moment, one thread each; return each result, or the exception
    it raised when that is one of ``caught``."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except caught as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
