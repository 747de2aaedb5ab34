"""The shared state store (SQLite or PostgreSQL, Alembic-migrated): aliases with compare-and-set
moves, pipeline snapshots, judge calibrations, the run index, gate verdicts and the audit log."""

from app.state._aliases import ALIAS_RE
from app.state._engine import normalize_url
from app.state._models import ANY, AliasMove, AuditEntry, CalibrationRow, RunEntry, VerdictEntry
from app.state._store import StateStore, open_state

__all__ = [
    "ALIAS_RE",
    "ANY",
    "AliasMove",
    "AuditEntry",
    "CalibrationRow",
    "RunEntry",
    "StateStore",
    "VerdictEntry",
    "normalize_url",
    "open_state",
]
