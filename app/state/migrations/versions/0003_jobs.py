"""The serving API's durable state: jobs (inputs kept until erased, so a restart resumes them) and
feedback on jobs.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JOB_STATUSES = "status IN ('queued', 'running', 'succeeded', 'failed', 'erased')"
RATINGS = "rating IN ('up', 'down')"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("client", sa.String, nullable=False),
        sa.Column("idempotency_key", sa.String),
        sa.Column("request_hash", sa.String, nullable=False),
        sa.Column("request_id", sa.String, nullable=False),
        sa.Column("pipeline_label", sa.String, nullable=False),
        sa.Column("pipeline_hash", sa.String, nullable=False),
        sa.Column("pipeline_snapshot", sa.Text, nullable=False),
        sa.Column("resume_text", sa.Text),
        sa.Column("jd_text", sa.Text),
        sa.Column("webhook_url", sa.Text),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("owner", sa.String),
        sa.Column("lease_until", sa.Float),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float),
        sa.Column("erased_at", sa.Float),
        sa.CheckConstraint(JOB_STATUSES, name="jobs_status"),
        sa.UniqueConstraint("client", "idempotency_key", name="jobs_idempotency"),
    )
    op.create_index("jobs_claimable", "jobs", ["status", "lease_until"])
    op.create_index("jobs_created", "jobs", ["created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String, nullable=False),
        sa.Column("client", sa.String, nullable=False),
        sa.Column("rating", sa.String, nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("pipeline_label", sa.String, nullable=False),
        sa.Column("pipeline_hash", sa.String, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.CheckConstraint(RATINGS, name="feedback_rating"),
        sqlite_autoincrement=True,
    )
    op.create_index("feedback_job", "feedback", ["job_id"])
    audit = sa.table(
        "audit_log",
        sa.column("at", sa.Float),
        sa.column("who", sa.String),
        sa.column("action", sa.String),
        sa.column("subject", sa.String),
        sa.column("details", sa.Text),
    )
    op.bulk_insert(
        audit,
        [
            {
                "at": time.time(),
                "who": "alembic",
                "action": "schema.upgrade",
                "subject": revision,
                "details": json.dumps({"from": down_revision}),
            }
        ],
    )


def downgrade() -> None:
    op.drop_index("feedback_job", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("jobs_created", table_name="jobs")
    op.drop_index("jobs_claimable", table_name="jobs")
    op.drop_table("jobs")
