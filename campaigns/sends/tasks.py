"""Celery tasks of the fan-out: thin adapters taking ids. Every one is safe to run twice
(acks_late: a killed worker's task is delivered again)."""

from django.core.management import call_command

from config.celery import app

from .services import sends_tick, wave_plan, wave_work
from .services.reach import reach_simulate


@app.task(name="sends.tick", acks_late=True)
def sends_tick_task() -> None:
    """Beat, every minute: start the runs that are due, stop those no longer live, revive stalled ones."""
    sends_tick()


@app.task(name="sends.wave_plan", acks_late=True)
def wave_plan_task(wave_id: int) -> None:
    """Cut the wave into chunks and queue its lanes (a repeat finds it planned)."""
    wave_plan(wave_id=wave_id)


@app.task(name="sends.wave_work", acks_late=True)
def wave_work_task(wave_id: int) -> None:
    """One lane: chunks of the wave for a few seconds, then its successor (saleor's
    self-re-enqueuing batch task); a lane that finds nothing left ends and finishes the runs."""
    _worked, more = wave_work(wave_id=wave_id)
    if more:
        wave_work_task.delay_on_commit(wave_id)


@app.task(name="sends.wagtail_publish_scheduled", acks_late=True)
def wagtail_publish_scheduled_task() -> None:
    """Beat, every minute: Wagtail's scheduled go-live and expiry of pages and snippets
    (campaigns among them); idempotent."""
    call_command("publish_scheduled", verbosity=0)


@app.task(name="sends.reach_simulate", acks_late=True)
def reach_simulate_task(simulation_id: int) -> None:
    """Run a queued reach simulation (a repeat finds it taken)."""
    reach_simulate(simulation_id=simulation_id)
