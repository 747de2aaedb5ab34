"""Provider faults: which errors are worth a retry, how long to wait (jittered, or the provider's
`Retry-After`), and a circuit breaker per model.

The breaker lives in the process (one per worker or server process): after `failure_threshold`
consecutive provider faults on a model (5xx, 429, timeouts, connection errors; each failed attempt
counts) it opens for `open_s` seconds, during which calls to that model fail at once with
`CircuitOpenError` (the client then answers from its fallback model, if one is configured). When
the time is up one probe call goes through (half-open): a success closes the circuit, a failure
opens it again for another `open_s`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

from tenacity import RetryCallState, wait_random_exponential
from tenacity.stop import stop_base
from tenacity.wait import wait_base

CircuitState = Literal["closed", "open", "half_open"]


def is_transient(exc: BaseException) -> bool:
    """A provider fault worth retrying: rate limits, timeouts, 5xx, a connection that failed."""
    import litellm

    transient = (
        litellm.RateLimitError,
        litellm.Timeout,
        litellm.ServiceUnavailableError,
        litellm.BadGatewayError,
        litellm.InternalServerError,
        litellm.APIConnectionError,
        asyncio.TimeoutError,
        TimeoutError,
    )
    if isinstance(exc, transient):
        return True
    status = getattr(exc, "status_code", None)  # e.g. a plain APIError carrying a 5xx or 429
    return isinstance(status, int) and (status == 429 or status >= 500)


def is_config_problem(exc: BaseException) -> bool:
    import litellm

    return isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError)


def retry_after_s(exc: BaseException | None) -> float | None:
    """The provider's `Retry-After` (seconds) on a 429 or 503, when it sent one."""
    if exc is None:
        return None
    sources: tuple[Any, ...] = (  # litellm keeps the provider's headers apart from its own response
        getattr(exc, "litellm_response_headers", None),
        getattr(getattr(exc, "response", None), "headers", None),
        getattr(exc, "headers", None),
    )
    for headers in sources:
        try:
            value = headers.get("retry-after") if headers else None
            if value is not None:
                return max(0.0, float(value))
        except (TypeError, ValueError, AttributeError):
            return None  # an HTTP date, or nothing usable: the jittered wait stands
    return None


class WaitJitterOrRetryAfter(wait_base):
    """Full-jitter exponential backoff; at least the provider's `Retry-After`, never over `max_s`."""

    def __init__(self, multiplier: float, max_s: float) -> None:
        self.jitter = wait_random_exponential(multiplier=multiplier, max=max_s)
        self.max_s = max_s

    def __call__(self, retry_state: RetryCallState) -> float:
        jittered = float(self.jitter(retry_state))
        outcome = retry_state.outcome
        hinted = retry_after_s(outcome.exception() if outcome is not None else None)
        return jittered if hinted is None else min(self.max_s, max(jittered, hinted))


class StopWhenCircuitOpen(stop_base):
    """Stop retrying once the model's circuit opened (further tries would fail fast anyway)."""

    def __init__(self, breakers: CircuitBreakers | None, model: str) -> None:
        self.breakers, self.model = breakers, model

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.breakers is not None and self.breakers.is_open(self.model)


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False
    probe_at: float = 0.0
    opened_total: int = 0


@dataclass(frozen=True)
class CircuitView:
    model: str
    state: CircuitState
    consecutive_failures: int
    opened_total: int


class CircuitBreakers:
    """One circuit per model string; thread-safe (async callers share it: every step is short)."""

    def __init__(self, failure_threshold: int = 5, open_s: float = 30.0) -> None:
        self.failure_threshold = max(1, failure_threshold)
        self.open_s = open_s
        self._lock = threading.Lock()
        self._circuits: dict[str, _Circuit] = {}

    def configure(self, failure_threshold: int, open_s: float) -> CircuitBreakers:
        """Set the thresholds (from settings) and return self; circuits keep their state."""
        self.failure_threshold, self.open_s = max(1, failure_threshold), open_s
        return self

    def allow(self, model: str) -> bool:
        """May a call go to `model` now? Open: no, until `open_s` passed; then one probe at a time."""
        with self._lock:
            circuit = self._circuits.get(model)
            if circuit is None or circuit.opened_at is None:
                return True
            now = time.monotonic()
            if now - circuit.opened_at < self.open_s:
                return False
            if circuit.probing and now - circuit.probe_at < self.open_s:
                return False  # a probe is out (one that never came back is replaced after open_s)
            circuit.probing, circuit.probe_at = True, now  # half-open: this caller is the probe
            return True

    def is_open(self, model: str) -> bool:
        """Open right now (no side effect): retries stop early when it is."""
        with self._lock:
            circuit = self._circuits.get(model)
            return bool(circuit and circuit.opened_at is not None and not circuit.probing)

    def success(self, model: str) -> None:
        """The provider answered (any answer but a fault, even a 400): the circuit closes."""
        with self._lock:
            circuit = self._circuits.get(model)
            if circuit is not None:
                circuit.failures, circuit.opened_at, circuit.probing = 0, None, False

    def failure(self, model: str) -> bool:
        """Count a provider fault; True when this failure opened (or re-opened) the circuit."""
        with self._lock:
            circuit = self._circuits.setdefault(model, _Circuit())
            circuit.failures += 1
            if circuit.probing or (circuit.opened_at is None and circuit.failures >= self.failure_threshold):
                circuit.opened_at, circuit.probing = time.monotonic(), False
                circuit.opened_total += 1
                return True
            return False

    def state(self, model: str) -> CircuitState:
        with self._lock:
            circuit = self._circuits.get(model)
            if circuit is None or circuit.opened_at is None:
                return "closed"
            if circuit.probing or time.monotonic() - circuit.opened_at >= self.open_s:
                return "half_open"
            return "open"

    def views(self) -> list[CircuitView]:
        """Every model seen, for metrics."""
        with self._lock:
            models = {m: (c.failures, c.opened_total) for m, c in self._circuits.items()}
        return [
            CircuitView(m, self.state(m), failures, opened)
            for m, (failures, opened) in sorted(models.items())
        ]

    def reset(self) -> None:
        with self._lock:
            self._circuits.clear()


BREAKERS = CircuitBreakers()
"""The process's circuits (the serving API and `tailor optimize` use them; evaluations do not)."""
