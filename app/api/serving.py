"""The pipeline version the API serves: the `production` alias (setting `api_alias`), re-read from the
state store at most every `api_alias_ttl_s` seconds, so a promotion or rollback made by any process
is served within that time without a restart. Resolving a new target (manifests, prompt hashes, the
agents' contract, the models) happens only when the alias moved.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from app.errors import NotFoundError
from app.registry import Pipeline, Registry
from app.settings import TailorSettings


@dataclass(frozen=True)
class ServedVersion:
    alias: str
    pipeline: Pipeline
    alias_hash: str  # what the alias points to; differs from pipeline.hash when api_model moves the agents

    @property
    def label(self) -> str:
        return self.pipeline.label

    @property
    def hash(self) -> str:
        return self.pipeline.hash

    def header(self) -> str:
        """The X-Pipeline-Version value: label@hash."""
        return f"{self.label}@{self.hash}"

    def body(self) -> dict[str, str]:
        return {"label": self.label, "hash": self.hash}


class ServedPipeline:
    """Thread-safe; call `current()` from a worker thread (it may read files and the database)."""

    def __init__(self, settings: TailorSettings, registry: Registry) -> None:
        self.alias = settings.api_alias
        self.model = settings.api_model
        self.ttl_s = settings.api_alias_ttl_s
        self.registry = registry
        self._lock = threading.Lock()
        self._served: ServedVersion | None = None
        self._checked_at = 0.0

    def peek(self) -> ServedVersion | None:
        """What was served last, without touching the store."""
        return self._served

    def stale(self) -> bool:
        return self._served is None or time.monotonic() - self._checked_at >= self.ttl_s

    def current(self) -> ServedVersion:
        """The served version, re-reading the alias when the last read is older than the TTL."""
        if not self.stale():
            assert self._served is not None
            return self._served
        with self._lock:
            if not self.stale():
                assert self._served is not None
                return self._served
            move = self.registry.alias(self.alias)  # a fresh store adopts the bootstrap entry
            if move is None:
                raise NotFoundError(f"alias {self.alias!r} does not exist: nothing to serve")
            served = self._served
            if served is None or served.alias_hash != move.pipeline_hash:
                served = ServedVersion(self.alias, self._resolve(move.pipeline_hash), move.pipeline_hash)
            self._served, self._checked_at = served, time.monotonic()
            return served

    def invalidate(self) -> None:
        """Forget when the alias was read, so the next `current()` reads it (after a promotion here)."""
        self._checked_at = 0.0

    def _resolve(self, pipeline_hash: str) -> Pipeline:
        from app.services.tailoring import resolve_pipeline

        return resolve_pipeline(pipeline_hash, self.model, self.registry)


def pipeline_from_snapshot(snapshot: dict[str, Any]) -> Pipeline:
    """The exact pipeline a job was submitted with (stored in its row), for a run after a restart."""
    return Pipeline.model_validate(snapshot)
