"""The audit log: who did what to which subject, with details; alias moves write theirs themselves."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Connection, insert, select

from app.state._base import StoreBase
from app.state._models import AuditEntry
from app.state._schema import audit_log


def insert_audit(
    connection: Connection, *, who: str, action: str, subject: str, details: dict[str, Any]
) -> None:
    connection.execute(
        insert(audit_log).values(
            at=time.time(),
            who=who,
            action=action,
            subject=subject,
            details=json.dumps(details, sort_keys=True),
        )
    )


class AuditMixin(StoreBase):
    def audit(self, *, who: str, action: str, subject: str, details: dict[str, Any]) -> None:
        with self._write() as connection:
            insert_audit(connection, who=who, action=action, subject=subject, details=details)

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The newest `limit` rows, newest first."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        with self._read() as connection:
            rows = connection.execute(query).mappings().all()
        return [AuditEntry.model_validate({**row, "details": json.loads(row["details"])}) for row in rows]
