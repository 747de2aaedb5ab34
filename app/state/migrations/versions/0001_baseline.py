"""Baseline: the tables the pre-Alembic SQLite store made (aliases, pipelines, judge calibrations).

Each table is created only when missing, so a legacy `state.db` (PRAGMA user_version = 1, no
alembic_version table) is adopted in place and keeps its rows.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("pipelines"):
        op.create_table(
            "pipelines",
            sa.Column("hash", sa.String, primary_key=True),
            sa.Column("label", sa.String, nullable=False),
            sa.Column("snapshot", sa.Text, nullable=False),
            sa.Column("first_seen", sa.Float, nullable=False),
        )
    if not inspector.has_table("alias_moves"):
        op.create_table(
            "alias_moves",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("alias", sa.String, nullable=False),
            sa.Column("pipeline_hash", sa.String, nullable=False),
            sa.Column("label", sa.String, nullable=False),
            sa.Column("who", sa.String, nullable=False),
            sa.Column("why", sa.Text, nullable=False),
            sa.Column("at", sa.Float, nullable=False),
            sa.Column("previous_hash", sa.String),
            sqlite_autoincrement=True,
        )
        op.create_index("alias_moves_alias", "alias_moves", ["alias", "id"])
    if not inspector.has_table("judge_calibrations"):
        op.create_table(
            "judge_calibrations",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("judge_version", sa.String, nullable=False),
            sa.Column("rubric", sa.String, nullable=False),
            sa.Column("n", sa.Integer, nullable=False),
            sa.Column("accuracy", sa.Float),
            sa.Column("kappa", sa.Float),
            sa.Column("labels_hash", sa.String, nullable=False),
            sa.Column("at", sa.Float, nullable=False),
            sa.Column("details", sa.Text, nullable=False, server_default="{}"),
            sqlite_autoincrement=True,
        )
        op.create_index("judge_calibrations_version", "judge_calibrations", ["judge_version", "at"])


def downgrade() -> None:
    op.drop_table("judge_calibrations")
    op.drop_table("alias_moves")
    op.drop_table("pipelines")
