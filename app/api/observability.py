"""Request ids and structured logs.

The request id (`X-Request-ID`, accepted when it looks like an id, else generated) lives in a context
variable for the request's task, and a job carries the id of the request that created it, so every
log line of a request or of its job names it. `JsonLogFormatter` writes one JSON object a line with
that id; log lines never carry a resume or JD (only ids, hashes, counts and timings).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("tailor_request_id", default=None)
job_id_var: ContextVar[str | None] = ContextVar("tailor_job_id", default=None)

_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


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
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


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


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """One structured event: the fields go on the record (and into the JSON line) and the message."""
    fields.setdefault("request_id", request_id_var.get())
    fields.setdefault("job_id", job_id_var.get())
    text = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    logger.log(level, "%s %s", event, text, extra={"event": event, **fields})

