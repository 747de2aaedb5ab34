"""Distributed evaluations: each case of a run as a row (its inputs until the run ends, then its one
record), and on the run itself the backend, the spec workers rebuild the plan from, and an epoch
that makes the messages of a cancelled or superseded submission stale.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CASE_STATUSES = "status IN ('pending', 'ok', 'error')"


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("backend", sa.String, nullable=False, server_default="local"))
        batch.add_column(sa.Column("spec", sa.Text))
        batch.add_column(sa.Column("epoch", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "run_cases",
        sa.Column("run_key", sa.String, nullable=False),
        sa.Column("case_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("case_json", sa.Text),  # the case's inputs; cleared when the run ends
        sa.Column("record_json", sa.Text),  # the CaseRecord (pseudonymised), written once
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("worker", sa.String),
        sa.Column("recorded_at", sa.Float),  # the database's clock
        sa.PrimaryKeyConstraint("run_key", "case_id", name="run_cases_key"),
        sa.CheckConstraint(CASE_STATUSES, name="run_cases_status"),
    )
    op.create_index("run_cases_recorded", "run_cases", ["run_key", "recorded_at"])
    op.create_index("run_cases_status", "run_cases", ["run_key", "status"])
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
    op.drop_table("run_cases")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("epoch")
        batch.drop_column("spec")
        batch.drop_column("backend")
