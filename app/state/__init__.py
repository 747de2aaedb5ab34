"""The shared state store (SQLite or PostgreSQL, Alembic-migrated): aliases with compare-and-set
moves, pipeline snapshots, judge calibrations, the run index, gate verdicts, the audit log, and the
serving API's jobs and feedback."""

from app.state._aliases import ALIAS_RE
from app.state._dead_letter import DeadLetterKind, StrandedJob
from app.state._engine import normalize_url
from app.state._feedback import REASON_CODES, FeedbackEntry
from app.state._jobs import FINAL_STATUSES, JOB_STATUSES, JobEntry, NewJob
from app.state._keys import ROLES, ApiKeyEntry, NewApiKey, Role, role_allows
from app.state._models import ANY, AliasMove, AuditEntry, CalibrationRow, RunEntry, VerdictEntry
from app.state._run_cases import CaseStatus, RecordedCase, RunCounts
from app.state._store import StateStore, open_state

__all__ = [
    "ALIAS_RE",
    "ANY",
    "FINAL_STATUSES",
    "JOB_STATUSES",
    "REASON_CODES",
    "ROLES",
    "AliasMove",
    "ApiKeyEntry",
    "AuditEntry",
    "CalibrationRow",
    "CaseStatus",
    "DeadLetterKind",
    "FeedbackEntry",
    "JobEntry",
    "NewApiKey",
    "NewJob",
    "RecordedCase",
    "Role",
    "RunCounts",
    "RunEntry",
    "StateStore",
    "StrandedJob",
    "VerdictEntry",
    "normalize_url",
    "open_state",
    "role_allows",
]
