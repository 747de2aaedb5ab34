"""Gate verdicts, bound to the five hashes they judged: a verdict only counts for exactly those."""

from __future__ import annotations

import time

from sqlalchemy import RowMapping, insert, select

from app.state._base import StoreBase
from app.state._models import VerdictEntry
from app.state._schema import verdicts


class VerdictsMixin(StoreBase):
    def record_verdict(self, entry: VerdictEntry) -> VerdictEntry:
        """Store it; returns it with its id and time (now, unless the entry carries one)."""
        values = entry.model_dump(exclude={"id"})
        values["at"] = entry.at or time.time()
        with self._write() as connection:
            verdict_id = connection.execute(
                insert(verdicts).values(**values).returning(verdicts.c.id)
            ).scalar_one()
        return entry.model_copy(update={"id": verdict_id, "at": values["at"]})

    def find_verdict(
        self, *, candidate_hash: str, baseline_hash: str, dataset_hash: str, policy_hash: str, code_hash: str
    ) -> VerdictEntry | None:
        """The newest verdict with exactly these five hashes, or None."""
        query = (
            select(verdicts)
            .where(
                verdicts.c.candidate_hash == candidate_hash,
                verdicts.c.baseline_hash == baseline_hash,
                verdicts.c.dataset_hash == dataset_hash,
                verdicts.c.policy_hash == policy_hash,
                verdicts.c.code_hash == code_hash,
            )
            .order_by(verdicts.c.id.desc())
            .limit(1)
        )
        with self._read() as connection:
            row = connection.execute(query).mappings().first()
        return _entry(row) if row else None

    def get_verdict(self, verdict_id: int) -> VerdictEntry | None:
        with self._read() as connection:
            row = connection.execute(select(verdicts).where(verdicts.c.id == verdict_id)).mappings().first()
        return _entry(row) if row else None


def _entry(row: RowMapping) -> VerdictEntry:
    return VerdictEntry.model_validate(dict(row))
