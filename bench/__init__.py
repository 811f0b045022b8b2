"""Benchmarks: ``python -m bench SCENARIO [--size N]``; see docs/PERFORMANCE.md.

Each scenario measures one hot path and, in the same run on the same machine, the physical
limit it is compared with (a raw ``COPY``, a raw ``INSERT ... SELECT``...). The last line
printed is one JSON object: scenario, size, value, unit, baseline, ratio (value / baseline).
"""
