"""The pipeline's `Tracer` on MLflow tracing: one trace per case, one span per pipeline step.

MLflow keeps the current span in a context variable, so concurrent asyncio tasks (and threads
started with `asyncio.to_thread`) each build their own tree. Traces land in `experiment_id`
(default: the active run's experiment, else the active experiment) and are linked to `run_id`
(default: the run active when the case starts). When the run is created only afterwards,
`trace_ids` lists the traces to hand to `log_eval_run(..., trace_ids=...)`.

Privacy: span attributes are ids, hashes and counts. Anything else a caller passes is vetted:
numbers and short plain strings pass, a string that is long or looks like a contact detail is
redacted, a collection becomes its length. Spans carry no inputs or outputs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from evals.tracking._client import check_environment, ensure_experiment, mlflow_client

if TYPE_CHECKING:
    from app.pipeline import Tracer
    from app.registry import Pipeline

log = logging.getLogger("tailor.tracking")

MAX_ATTRIBUTE_CHARS = 64
NO_OP_TRACE_ID = "MLFLOW_NO_OP_SPAN_TRACE_ID"
_CONTACT_RE = re.compile(
    r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}"  # e-mail
    r"|https?://|www\.|linkedin\.|github\.com"  # links
    r"|\+\d[\d\s().-]{6,}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"  # phone numbers
)


def safe_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes fit for a trace: numbers, booleans, short plain strings; the rest reduced."""
    safe: dict[str, Any] = {}
    for key, value in attributes.items():
        if value is None or isinstance(value, bool | int | float):
            safe[str(key)] = value
        elif isinstance(value, str):
            plain = len(value) <= MAX_ATTRIBUTE_CHARS and "\n" not in value and not _CONTACT_RE.search(value)
            safe[str(key)] = value if plain else f"[redacted: {len(value)} chars]"
        elif isinstance(value, list | tuple | set | frozenset | dict):
            safe[str(key)] = len(value)
        else:
            safe[str(key)] = f"[{type(value).__name__}]"
    return safe


class MlflowTracer:
    """`Tracer` (app.pipeline) writing MLflow spans; `case_span` opens the root span of one case."""

    def __init__(
        self,
        *,
        tracking_uri: str | None = None,
        experiment_id: str | None = None,
        run_id: str | None = None,
        agents: Iterable[str] = (),
    ) -> None:
        check_environment()
        if tracking_uri is not None:
            mlflow_client(tracking_uri)  # points MLflow's (process-wide) tracing at it
        self.experiment_id = experiment_id
        self.run_id = run_id
        self.agents = frozenset(agents)  # step names shown as AGENT spans; the others as CHAIN
        self.trace_ids: list[str] = []
        self._warned = False

    @classmethod
    def for_pipeline(
        cls, pipeline: Pipeline, *, tracking_uri: str, run_id: str | None = None
    ) -> MlflowTracer:
        """Traces into the pipeline's experiment (`tailor/<label>`), where `log_eval_run` logs too."""
        client = mlflow_client(tracking_uri)
        experiment_id = ensure_experiment(client, pipeline, tracking_uri)
        return cls(experiment_id=experiment_id, run_id=run_id, agents=pipeline.agents)

    def span(self, name: str, attributes: dict[str, Any]) -> AbstractContextManager[Any]:
        span_type = "AGENT" if name in self.agents else "CHAIN"
        return self._open(name, span_type, safe_attributes(attributes), {})

    def case_span(self, case_id: str, input_hash: str, **counts: Any) -> AbstractContextManager[Any]:
        """The root span of one case: its id, the first 16 hex of its input hash, and counts."""
        case = str(case_id)[:MAX_ATTRIBUTE_CHARS]
        attributes = {
            "tailor.case_id": case,
            "tailor.input_hash": str(input_hash)[:16],
            **safe_attributes(counts),
        }
        return self._open("case", "CHAIN", attributes, {"tailor.case_id": case})

    def flush(self) -> None:
        """Wait until every finished trace is written (MLflow exports them in the background)."""
        import mlflow

        mlflow.flush_trace_async_logging()

    @contextmanager
    def _open(
        self, name: str, span_type: str, attributes: dict[str, Any], tags: dict[str, str]
    ) -> Iterator[Any]:
        import mlflow

        options: dict[str, Any] = {}
        root = mlflow.get_current_active_span() is None
        if root and self.experiment_id is not None:
            from mlflow.entities.trace_location import MlflowExperimentLocation

            options["trace_destination"] = MlflowExperimentLocation(experiment_id=self.experiment_id)
        if root and self.run_id is not None:
            options["run_id"] = self.run_id
        with mlflow.start_span(name=name, span_type=span_type, attributes=attributes, **options) as span:
            if root:
                self._opened(str(span.trace_id))
                if tags:
                    mlflow.update_current_trace(tags=tags)
            yield span

    def _opened(self, trace_id: str) -> None:
        if trace_id == NO_OP_TRACE_ID or not trace_id:
            if not self._warned:
                self._warned = True
                log.warning("MLflow tracing is disabled: no trace is recorded")
            return
        self.trace_ids.append(trace_id)


if TYPE_CHECKING:

    def _is_a_tracer(tracer: MlflowTracer) -> Tracer:
        return tracer  # mypy checks MlflowTracer against the protocol
