from .run import Chunk, Run, RunChunk, RunStatus, Wave
from .simulation import ReachSimulation, SimulationStatus

__all__ = ["Chunk", "ReachSimulation", "Run", "RunChunk", "RunStatus", "SimulationStatus", "Wave"]
