"""Live progress of one job, per agent: the pipeline's tracer (every agent step is a span) feeds it,
the runner persists it, and server-sent event streams in this process wait on it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, Final

from app.api.observability import agent_span

# The pipeline's steps, in order (app/pipeline/_flow.py); summary_writer runs inside `writer`.
AGENT_STEPS: Final = ("jd_analyst", "evidence_mapper", "writer", "fact_checker", "assemble")


def initial_progress() -> dict[str, Any]:
    return {name: {"status": "pending"} for name in AGENT_STEPS}


class ProgressTracker:
    """A `Tracer` (app.pipeline) that records each agent's state; `version` grows on every change."""

    def __init__(self) -> None:
        self.progress: dict[str, Any] = initial_progress()
        self.version = 0
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()

    @contextmanager
    def span(self, name: str, attributes: dict[str, Any]) -> Iterator[None]:
        entry = self.progress.setdefault(name, {})
        entry.update(status="running", started_at=round(time.time(), 3))
        self._bump()
        started = time.perf_counter()
        try:
            with agent_span(name):  # an OpenTelemetry span when tracing is on
                yield
        except BaseException:
            entry["status"] = "failed"
            raise
        else:
            entry["status"] = "done"
        finally:
            entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
            self._bump()

    def snapshot(self) -> dict[str, Any]:
        """A copy (safe from another thread: the lease's heartbeat reads it while the job runs)."""
        for _ in range(5):
            try:
                return {name: dict(entry) for name, entry in list(self.progress.items())}
            except RuntimeError:  # changed while copied: copy again
                continue
        return {name: dict(entry) for name, entry in list(self.progress.items())}

    def close(self) -> None:
        """The job ended: wake every waiter one last time."""
        self._bump()

    async def wait_change(self, seen: int, timeout_s: float) -> int:
        """Wait until `version` differs from `seen` (or the timeout); returns the version now."""
        if self.version != seen:
            return self.version
        event = self._changed
        with suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout_s)
        return self.version

    def _bump(self) -> None:
        self.version += 1
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._wake()
        else:
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()
