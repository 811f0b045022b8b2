from .control import run_cancel, run_pause, run_resume
from .plan import TickReport, sends_tick, wave_plan, waves_requeue_stalled
from .work import ChunkOutcome, runs_finish, wave_chunk_work, wave_work

__all__ = [
    "ChunkOutcome",
    "TickReport",
    "run_cancel",
    "run_pause",
    "run_resume",
    "runs_finish",
    "sends_tick",
    "wave_chunk_work",
    "wave_plan",
    "wave_work",
    "waves_requeue_stalled",
]
