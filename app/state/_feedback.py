"""Feedback on served jobs: a thumbs up or down with a reason code, tied to the pipeline that ran it.

The free-text comment is personal data: erasing or purging the job blanks it.
"""

from __future__ import annotations

import time
from typing import Final, Literal

from pydantic import BaseModel
from sqlalchemy import Column, Float, Integer, RowMapping, String, Table, Text, insert, select

from app.state._base import StoreBase
from app.state._schema import metadata

Rating = Literal["up", "down"]
REASON_CODES: Final = (
    "good",
    "fabricated_fact",
    "missed_requirement",
    "lost_information",
    "poor_wording",
    "formatting",
    "other",
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String, nullable=False),
    Column("client", String, nullable=False),
    Column("rating", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("comment", Text),
    Column("pipeline_label", String, nullable=False),
    Column("pipeline_hash", String, nullable=False),
    Column("at", Float, nullable=False),
)


class FeedbackEntry(BaseModel):
    id: int = 0
    job_id: str
    client: str
    rating: Rating
    reason: str
    comment: str | None = None
    pipeline_label: str
    pipeline_hash: str
    at: float = 0


class FeedbackMixin(StoreBase):
    def add_feedback(self, entry: FeedbackEntry) -> FeedbackEntry:
        values = entry.model_dump(exclude={"id"})
        values["at"] = entry.at or time.time()
        with self._write() as connection:
            new_id = connection.execute(insert(feedback).values(**values).returning(feedback.c.id)).scalar_one()
        return entry.model_copy(update={"id": new_id, "at": values["at"]})

    def list_feedback(self, job_id: str | None = None, limit: int = 1000) -> list[FeedbackEntry]:
        """Newest first; of one job, or of all."""
        query = select(feedback).order_by(feedback.c.id.desc()).limit(limit)
        if job_id is not None:
            query = query.where(feedback.c.job_id == job_id)
        with self._read() as connection:
            return [_entry(row) for row in connection.execute(query).mappings().all()]


def _entry(row: RowMapping) -> FeedbackEntry:
    return FeedbackEntry.model_validate(dict(row))
