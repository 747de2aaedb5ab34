"""The regression gate's state: alias heads (compare-and-set), move kinds, runs, verdicts, audit log.

Legacy moves keep their rows: each gets kind 'set' (or 'bootstrap' when made by the bootstrap
adoption), and every alias's newest move becomes its head.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KINDS = "kind IN ('bootstrap', 'set', 'promote', 'rollback')"
STATUSES = "status IN ('running', 'finished', 'failed')"


def upgrade() -> None:
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("candidate_hash", sa.String, nullable=False),
        sa.Column("baseline_hash", sa.String, nullable=False),
        sa.Column("dataset_hash", sa.String, nullable=False),
        sa.Column("policy_hash", sa.String, nullable=False),
        sa.Column("code_hash", sa.String, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("verdict_json", sa.Text, nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "verdicts_key",
        "verdicts",
        ["candidate_hash", "baseline_hash", "dataset_hash", "policy_hash", "code_hash", "id"],
    )
    with op.batch_alter_table("alias_moves", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("kind", sa.String, nullable=False, server_default="set"))
        batch.add_column(sa.Column("verdict_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("forced", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.create_check_constraint("alias_moves_kind", KINDS)
        batch.create_foreign_key("alias_moves_pipeline", "pipelines", ["pipeline_hash"], ["hash"])
        batch.create_foreign_key("alias_moves_verdict", "verdicts", ["verdict_id"], ["id"])
    op.execute("UPDATE alias_moves SET kind = 'bootstrap' WHERE who = 'bootstrap'")
    op.create_table(
        "alias_heads",
        sa.Column("alias", sa.String, primary_key=True),
        sa.Column("pipeline_hash", sa.String, sa.ForeignKey("pipelines.hash"), nullable=False),
        sa.Column("move_id", sa.Integer, sa.ForeignKey("alias_moves.id"), nullable=False),
    )
    op.execute(
        "INSERT INTO alias_heads (alias, pipeline_hash, move_id)"
        " SELECT m.alias, m.pipeline_hash, m.id FROM alias_moves m"
        " JOIN (SELECT alias, MAX(id) AS id FROM alias_moves GROUP BY alias) newest ON m.id = newest.id"
    )
    op.create_table(
        "runs",
        sa.Column("run_key", sa.String, primary_key=True),
        sa.Column("pipeline_hash", sa.String, nullable=False),
        sa.Column("pipeline_label", sa.String, nullable=False),
        sa.Column("dataset_ref", sa.String, nullable=False),
        sa.Column("dataset_hash", sa.String, nullable=False),
        sa.Column("scorers", sa.Text, nullable=False),
        sa.Column("judge_version", sa.String),
        sa.Column("code_hash", sa.String, nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("mlflow_run_id", sa.String),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("cases_total", sa.Integer, nullable=False),
        sa.Column("cases_done", sa.Integer, nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float),
        sa.CheckConstraint(STATUSES, name="runs_status"),
    )
    op.create_index("runs_lookup", "runs", ["pipeline_hash", "dataset_hash", "code_hash", "status"])
    audit = op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("who", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("subject", sa.String, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    assert audit is not None
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
    op.drop_table("audit_log")
    op.drop_table("runs")
    op.drop_table("alias_heads")
    with op.batch_alter_table("alias_moves") as batch:
        batch.drop_constraint("alias_moves_verdict", type_="foreignkey")
        batch.drop_constraint("alias_moves_pipeline", type_="foreignkey")
        batch.drop_constraint("alias_moves_kind", type_="check")
        batch.drop_column("forced")
        batch.drop_column("verdict_id")
        batch.drop_column("kind")
    op.drop_table("verdicts")
