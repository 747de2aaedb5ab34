"""Request ids, structured logs and (optional) tracing.

The request id (`X-Request-ID`, accepted when it looks like an id, else generated) lives in a context
variable for the request's task, and a job carries the id of the request that created it, so every
log line of a request or of its job names it. `JsonLogFormatter` writes one JSON object a line with
that id; log lines carry ids, hashes, counts and timings, never a resume or JD, and every string
that reaches a line is scrubbed of e-mail addresses and phone numbers (`redact`) in case an error
message quotes its input.

Tracing (setting `otel_enabled`, with `opentelemetry-sdk` installed): a span per request, per job
attempt and per agent step, on a tracer provider of Tailor's own (never the global one, which MLflow
and CrewAI use). Spans are exported as `span` log lines (and to an OTLP collector when
`OTEL_EXPORTER_OTLP_ENDPOINT` is set and its exporter is installed); log lines inside a span carry
its `trace_id`. Off, every span helper is a no-op.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = [
    "ContextFilter",
    "JsonLogFormatter",
    "accept_request_id",
    "agent_span",
    "configure_json_logging",
    "configure_tracing",
    "job_id_var",
    "job_span",
    "log_event",
    "redact",
    "request_id_var",
    "request_span",
]

request_id_var: ContextVar[str | None] = ContextVar("tailor_request_id", default=None)
job_id_var: ContextVar[str | None] = ContextVar("tailor_job_id", default=None)

_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Phone numbers as people write them: digit groups with separators, optional +country and (area).
# Ids, hashes and timings never match (no separators inside them); nor do dates (2-digit groups) or IPs.
_PHONE_RE = re.compile(
    r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?!\w|\.\d)"
    r"|(?<![\w.])\+\d{8,15}(?![\w])"
)


def redact(text: str) -> str:
    """The text with e-mail addresses and phone numbers replaced by `[email]` and `[phone]`."""
    if "@" in text:
        text = _EMAIL_RE.sub("[email]", text)
    return _PHONE_RE.sub("[phone]", text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def accept_request_id(given: str | None) -> str:
    """The client's id when it is a plain token of at most 128 characters, else a new one."""
    if given and _ID_RE.match(given):
        return given
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Stamps every record with the current request id and job id (None outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "job_id"):
            record.job_id = job_id_var.get()
        return True


class JsonLogFormatter(logging.Formatter):
    _STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and value is not None:
                entry[key] = value
        if "event" in entry:  # a structured event: its fields are the content, not a sentence
            entry["message"] = entry.pop("event")
        trace_id = current_trace_id()
        if trace_id is not None:
            entry.setdefault("trace_id", trace_id)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(_scrub(entry), default=lambda v: redact(str(v)), ensure_ascii=False)


def configure_json_logging(level: str = "INFO") -> None:
    """For `tailor serve`: one JSON line per record on stderr, every record stamped with its ids."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("tailor").setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our middleware logs each request, with its id
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "crewai_core", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)  # their INFO lines repeat ours, without ids


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """One structured event: the fields go on the record (and into the JSON line) and the message."""
    fields.setdefault("request_id", request_id_var.get())
    fields.setdefault("job_id", job_id_var.get())
    text = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    logger.log(level, "%s %s", event, text, extra={"event": event, **fields})


# -- tracing ---------------------------------------------------------------------------------------
_tracer: Any = None  # an opentelemetry Tracer once configure_tracing(True) ran
span_log = logging.getLogger("tailor.trace")


def configure_tracing(enabled: bool) -> bool:
    """Switch tracing on or off for this process; False when off (or the SDK is missing)."""
    global _tracer
    if not enabled:
        _tracer = None
        return False
    if _tracer is not None:
        return True
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    except ImportError:
        logging.getLogger("tailor.api").warning("otel_enabled is set but opentelemetry-sdk is not installed")
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": "tailor"}))
    provider.add_span_processor(SimpleSpanProcessor(_log_span_exporter()))
    _add_otlp_exporter(provider)
    _tracer = provider.get_tracer("tailor")
    return True


def _add_otlp_exporter(provider: Any) -> None:
    import os

    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        return
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))


def _log_span_exporter() -> Any:
    """An OpenTelemetry SpanExporter writing each finished span as one `span` log line."""
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class LogSpanExporter(SpanExporter):
        def export(self, spans: Sequence[Any]) -> SpanExportResult:
            for span in spans:
                context, parent = span.get_span_context(), span.parent
                log_event(
                    span_log, "span", span=span.name, trace_id=f"{context.trace_id:032x}",
                    span_id=f"{context.span_id:016x}", parent_id=f"{parent.span_id:016x}" if parent else None,
                    ms=round((span.end_time - span.start_time) / 1e6, 3),
                    status=span.status.status_code.name.lower(), attributes=dict(span.attributes or {}),
                )  # fmt: skip
            return SpanExportResult.SUCCESS

    return LogSpanExporter()


def current_trace_id() -> str | None:
    if _tracer is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


class SpanHandle:
    """What a caller may do with a span it opened: set attributes (a no-op when tracing is off)."""

    def __init__(self, span: Any = None) -> None:
        self.span = span
        self.started = time.perf_counter()

    def set(self, key: str, value: str | int | float | bool | None) -> None:
        if self.span is not None and value is not None:
            self.span.set_attribute(key, value)


@contextmanager
def _span(name: str, attributes: dict[str, Any]) -> Iterator[SpanHandle]:
    if _tracer is None:
        yield SpanHandle()
        return
    clean = {k: v for k, v in attributes.items() if v is not None}
    with _tracer.start_as_current_span(name, attributes=clean) as span:
        yield SpanHandle(span)


def request_span(method: str, path: str) -> Any:
    """The span of one HTTP request (the middleware sets its route and status)."""
    return _span(
        f"HTTP {method}", {"http.method": method, "http.target": path, "request_id": request_id_var.get()}
    )


def job_span(job_id: str, pipeline_hash: str, attempt: int) -> Any:
    return _span("job", {"job_id": job_id, "pipeline": pipeline_hash[:12], "attempt": attempt})


def agent_span(name: str) -> Any:
    return _span(f"agent {name}", {"agent": name})
