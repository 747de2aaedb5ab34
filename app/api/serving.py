"""The pipeline version the API serves: the `production` alias (setting `api_alias`), re-read from the
state store at most every `api_alias_ttl_s` seconds, so a promotion or rollback made by any process
is served within that time without a restart. Resolving a new target (manifests, prompt hashes, the
agents' contract, the models) happens only when the alias moved.

The canary: with `api_canary_share` above 0, that share of new jobs is served by `api_canary_alias`
(`staging`) instead, drawn at random per job. Such a version says so (`canary`), and so does every
answer about its job. When the canary alias is missing, unusable or points where production does,
the job is served by production.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from app.errors import NotFoundError, TailorError
from app.registry import Pipeline, Registry
from app.settings import TailorSettings

log = logging.getLogger("tailor.api")


@dataclass(frozen=True)
class ServedVersion:
    alias: str
    pipeline: Pipeline
    alias_hash: str  # what the alias points to; differs from pipeline.hash when api_model moves the agents
    canary: bool = False  # served by the canary alias, not the API's own

    @property
    def label(self) -> str:
        return self.pipeline.label

    @property
    def hash(self) -> str:
        return self.pipeline.hash

    def header(self) -> str:
        """The X-Pipeline-Version value: label@hash, and `; canary=<alias>` for a canary."""
        return f"{self.label}@{self.hash}" + (f"; canary={self.alias}" if self.canary else "")

    def body(self) -> dict[str, str | None]:
        return {"label": self.label, "hash": self.hash, "canary": self.alias if self.canary else None}


class ServedPipeline:
    """Thread-safe; call `current()` from a worker thread (it may read files and the database)."""

    def __init__(self, settings: TailorSettings, registry: Registry, *, as_canary: bool = False) -> None:
        self.is_canary = as_canary
        self.alias = settings.api_canary_alias if self.is_canary else settings.api_alias
        self.model = settings.api_model
        self.ttl_s = settings.api_alias_ttl_s
        self.registry = registry
        self._lock = threading.Lock()
        self._served: ServedVersion | None = None
        self._checked_at = 0.0
        self.canary_share = 0.0 if self.is_canary else settings.api_canary_share
        self.canary: ServedPipeline | None = None
        if self.canary_share > 0 and settings.api_canary_alias != self.alias:
            self.canary = ServedPipeline(settings, registry, as_canary=True)
        self.rng = random.Random()
        self._warned_at = 0.0

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
                pipeline = self._resolve(move.pipeline_hash)
                served = ServedVersion(self.alias, pipeline, move.pipeline_hash, canary=self.is_canary)
            self._served, self._checked_at = served, time.monotonic()
            return served

    def invalidate(self) -> None:
        """Forget when the alias was read, so the next `current()` reads it (after a promotion here)."""
        self._checked_at = 0.0
        if self.canary is not None:
            self.canary.invalidate()

    def for_new_job(self) -> ServedVersion:
        """The version a new job runs on: the canary's for `canary_share` of the draws, else `current()`."""
        main = self.current()
        if self.canary is None or self.rng.random() >= self.canary_share:
            return main
        try:
            canary = self.canary.current()
        except TailorError as exc:
            if time.monotonic() - self._warned_at > 30:
                self._warned_at = time.monotonic()
                log.warning("canary alias %r unusable, serving %s: %s", self.canary.alias, self.alias, exc)
            return main
        return main if canary.hash == main.hash else canary

    def _resolve(self, pipeline_hash: str) -> Pipeline:
        from app.services.tailoring import resolve_pipeline

        return resolve_pipeline(pipeline_hash, self.model, self.registry)


def pipeline_from_snapshot(snapshot: dict[str, Any]) -> Pipeline:
    """The exact pipeline a job was submitted with (stored in its row), for a run after a restart."""
    return Pipeline.model_validate(snapshot)
