"""API keys with roles, stored hashed (app/state/_keys.py), and the canary alias a job was served by.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json
import time

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ROLES = "role IN ('client', 'operator', 'admin')"


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("salt", sa.String, nullable=False),
        sa.Column("secret_hash", sa.String, nullable=False),
        sa.Column("rate_per_minute", sa.Float),
        sa.Column("rate_burst", sa.Integer),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.String, nullable=False),
        sa.Column("revoked_at", sa.Float),
        sa.Column("revoked_by", sa.String),
        sa.CheckConstraint(ROLES, name="api_keys_role"),
    )
    # NULL: served by the API's alias (production); else the canary alias (staging) that served it.
    op.add_column("jobs", sa.Column("canary_alias", sa.String))
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
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("canary_alias")
    op.drop_table("api_keys")
