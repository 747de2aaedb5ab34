"""The one error hierarchy. Every failure a user can cause or meet is a `TailorError`.

The CLI prints `error: <message>` on one line and exits with `exit_code`; the (later) API maps
`http_status` to a JSON answer. Anything that is not a TailorError is a bug in Tailor.
"""

from __future__ import annotations


class TailorError(Exception):
    """Base class: a one-line, user-facing reason."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # always one line

    @property
    def message(self) -> str:
        return str(self)


class InputError(TailorError):
    """The user's input is unusable: missing, empty, too large, not UTF-8, schema-invalid."""

    exit_code = 2
    http_status = 422


class NotFoundError(TailorError):
    """An unknown pipeline, alias, prompt, model or dataset."""

    exit_code = 3
    http_status = 404


class RegistryError(TailorError):
    """The prompt registry is inconsistent: a released version was edited, a lock entry is missing."""

    exit_code = 4
    http_status = 409


class ModelError(TailorError):
    """A model call failed after its retries, or its output could not be used."""

    exit_code = 5
    http_status = 502


class ConfigError(TailorError):
    """Settings are wrong: a bad URI, a missing key for a hosted model."""

    exit_code = 6
    http_status = 500


class ConflictError(TailorError):
    """A compare-and-set lost: the alias moved (or was created) since the caller read it."""

    exit_code = 7
    http_status = 409


class PromotionRefused(TailorError):
    """A gated alias cannot move: no passing verdict binds exactly this candidate, baseline,
    dataset, policy and code."""

    exit_code = 1
    http_status = 409


class ProviderUnavailableError(ModelError):
    """A model provider kept failing (5xx, 429, timeouts) through its retries, or its circuit is open:
    the one kind of model failure a fallback model may answer instead."""


class CircuitOpenError(ProviderUnavailableError):
    """The model's circuit breaker is open after repeated failures: calls fail fast until it cools."""
