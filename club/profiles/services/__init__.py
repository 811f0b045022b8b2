"""Writes of club.profiles (docs/profiles.md)."""

from .refresh import (
    DEFAULT_CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    RefreshRun,
    member_id_chunks,
    profiles_pipeline_run,
    profiles_refresh,
    profiles_refresh_all,
    profiles_refresh_step,
)

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "RefreshRun",
    "member_id_chunks",
    "profiles_pipeline_run",
    "profiles_refresh",
    "profiles_refresh_all",
    "profiles_refresh_step",
]
