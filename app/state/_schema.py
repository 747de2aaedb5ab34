"""The state store's tables as SQLAlchemy Core objects, for queries. Alembic scripts own the DDL.

Times are UNIX seconds (float); JSON is stored as text, so SQLite and PostgreSQL read the same.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

pipelines = Table(
    "pipelines",
    metadata,
    Column("hash", String, primary_key=True),
    Column("label", String, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("first_seen", Float, nullable=False),
)

alias_moves = Table(
    "alias_moves",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alias", String, nullable=False),
    Column("pipeline_hash", String, ForeignKey("pipelines.hash"), nullable=False),
    Column("label", String, nullable=False),
    Column("who", String, nullable=False),
    Column("why", Text, nullable=False),
    Column("at", Float, nullable=False),
    Column("previous_hash", String),
    Column("kind", String, nullable=False),
    Column("verdict_id", Integer, ForeignKey("verdicts.id")),
    Column("forced", Boolean, nullable=False),
)

alias_heads = Table(
    "alias_heads",
    metadata,
    Column("alias", String, primary_key=True),
    Column("pipeline_hash", String, ForeignKey("pipelines.hash"), nullable=False),
    Column("move_id", Integer, ForeignKey("alias_moves.id"), nullable=False),
)

judge_calibrations = Table(
    "judge_calibrations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("judge_version", String, nullable=False),
    Column("rubric", String, nullable=False),
    Column("n", Integer, nullable=False),
    Column("accuracy", Float),
    Column("kappa", Float),
    Column("labels_hash", String, nullable=False),
    Column("at", Float, nullable=False),
    Column("details", Text, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("run_key", String, primary_key=True),
    Column("pipeline_hash", String, nullable=False),
    Column("pipeline_label", String, nullable=False),
    Column("dataset_ref", String, nullable=False),
    Column("dataset_hash", String, nullable=False),
    Column("scorers", Text, nullable=False),
    Column("judge_version", String),
    Column("code_hash", String, nullable=False),
    Column("folder", Text, nullable=False),
    Column("mlflow_run_id", String),
    Column("status", String, nullable=False),
    Column("cases_total", Integer, nullable=False),
    Column("cases_done", Integer, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("backend", String, nullable=False),
    Column("spec", Text),
    Column("epoch", Integer, nullable=False),
)

run_cases = Table(
    "run_cases",
    metadata,
    Column("run_key", String, primary_key=True),
    Column("case_id", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("status", String, nullable=False),
    Column("case_json", Text),
    Column("record_json", Text),
    Column("error", Text),
    Column("attempts", Integer, nullable=False),
    Column("worker", String),
    Column("recorded_at", Float),
)

verdicts = Table(
    "verdicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("candidate_hash", String, nullable=False),
    Column("baseline_hash", String, nullable=False),
    Column("dataset_hash", String, nullable=False),
    Column("policy_hash", String, nullable=False),
    Column("code_hash", String, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("verdict_json", Text, nullable=False),
    Column("folder", Text, nullable=False),
    Column("at", Float, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("who", String, nullable=False),
    Column("action", String, nullable=False),
    Column("subject", String, nullable=False),
    Column("details", Text, nullable=False),
)
