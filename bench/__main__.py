"""``python -m bench SCENARIO [--size N]``: run one benchmark in a throw-away database."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .scenarios import SCENARIOS


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("scenario", choices=sorted(SCENARIOS), help="what to measure")
    parser.add_argument("--size", type=int, default=None, help="how many rows, events...")
    arguments = parser.parse_args(argv)
    if arguments.size is not None and arguments.size < 1:
        parser.error("--size must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from .harness import BenchUnavailable, throwaway_database

    scenario = SCENARIOS[arguments.scenario]
    size = arguments.size or scenario.DEFAULT_SIZE
    try:
        with throwaway_database():
            result = scenario.run(size=size)
    except BenchUnavailable as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    for line in result.notes:
        print(line)
    print(json.dumps(result.as_json()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
