"""Aliases (`production`, `staging`, free names) -> pipeline versions, in a shared state store.

`AliasStore` is the interface; `SQLiteAliasStore` backs it by default. The store's location is the
one setting `state_url`, so every CLI run, CI job and server of a team reads the same `production`.
Every move is recorded with who, when and why, with a snapshot of the pipeline it points to.
A fresh store adopts the committed bootstrap file (`prompt_registry/aliases.yaml`).
"""

from __future__ import annotations

import getpass
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from app.errors import ConfigError, InputError, RegistryError
from app.storage import SQLiteDB, sqlite_path_from_url

ALIAS_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
BOOTSTRAP_NAME = "aliases.yaml"


@dataclass(frozen=True)
class AliasMove:
    alias: str
    pipeline_hash: str
    label: str
    who: str
    why: str
    at: float
    previous_hash: str | None


class AliasStore(Protocol):
    """What the registry needs of a state store; a later issue adds a PostgreSQL backing."""

    def get(self, alias: str) -> AliasMove | None: ...

    def set(
        self, alias: str, *, pipeline_hash: str, label: str, snapshot: dict[str, Any], who: str, why: str
    ) -> AliasMove: ...

    def current(self) -> list[AliasMove]: ...

    def history(self, alias: str | None = None) -> list[AliasMove]: ...

    def snapshot(self, pipeline_hash: str) -> dict[str, Any] | None: ...


_MIGRATIONS = [
    """
    CREATE TABLE alias_moves (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alias TEXT NOT NULL,
        pipeline_hash TEXT NOT NULL,
        label TEXT NOT NULL,
        who TEXT NOT NULL,
        why TEXT NOT NULL,
        at REAL NOT NULL,
        previous_hash TEXT
    );
    CREATE INDEX alias_moves_alias ON alias_moves(alias, id);
    CREATE TABLE pipelines (
        hash TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        first_seen REAL NOT NULL
    )
    """,
]


class SQLiteAliasStore:
    def __init__(self, path: Path) -> None:
        self._db = SQLiteDB(path, _MIGRATIONS)

    def get(self, alias: str) -> AliasMove | None:
        rows = self._db.query("SELECT * FROM alias_moves WHERE alias = ? ORDER BY id DESC LIMIT 1", (alias,))
        return _move(rows[0]) if rows else None

    def set(
        self, alias: str, *, pipeline_hash: str, label: str, snapshot: dict[str, Any], who: str, why: str
    ) -> AliasMove:
        if not ALIAS_RE.match(alias):
            raise InputError(f"bad alias name {alias!r}: lowercase letters, digits, '-' and '_'")
        if not why.strip():
            raise InputError("an alias move needs a reason (--why)")
        now = time.time()
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT pipeline_hash FROM alias_moves WHERE alias = ? ORDER BY id DESC LIMIT 1", (alias,)
            ).fetchone()
            previous = row["pipeline_hash"] if row else None
            conn.execute(
                "INSERT OR IGNORE INTO pipelines (hash, label, snapshot, first_seen) VALUES (?,?,?,?)",
                (pipeline_hash, label, json.dumps(snapshot, sort_keys=True), now),
            )
            conn.execute(
                "INSERT INTO alias_moves (alias, pipeline_hash, label, who, why, at, previous_hash)"
                " VALUES (?,?,?,?,?,?,?)",
                (alias, pipeline_hash, label, who, why.strip(), now, previous),
            )
        return AliasMove(alias, pipeline_hash, label, who, why.strip(), now, previous)

    def current(self) -> list[AliasMove]:
        rows = self._db.query(
            "SELECT m.* FROM alias_moves m JOIN (SELECT alias, MAX(id) AS id FROM alias_moves GROUP BY alias)"
            " last ON m.id = last.id ORDER BY m.alias"
        )
        return [_move(r) for r in rows]

    def history(self, alias: str | None = None) -> list[AliasMove]:
        if alias is None:
            rows = self._db.query("SELECT * FROM alias_moves ORDER BY id")
        else:
            rows = self._db.query("SELECT * FROM alias_moves WHERE alias = ? ORDER BY id", (alias,))
        return [_move(r) for r in rows]

    def snapshot(self, pipeline_hash: str) -> dict[str, Any] | None:
        rows = self._db.query("SELECT snapshot FROM pipelines WHERE hash = ?", (pipeline_hash,))
        return json.loads(rows[0]["snapshot"]) if rows else None


def _move(row: Any) -> AliasMove:
    return AliasMove(
        alias=row["alias"],
        pipeline_hash=row["pipeline_hash"],
        label=row["label"],
        who=row["who"],
        why=row["why"],
        at=row["at"],
        previous_hash=row["previous_hash"],
    )


def open_alias_store(url: str) -> AliasStore:
    if url.startswith("sqlite:///"):
        return SQLiteAliasStore(sqlite_path_from_url(url))
    if url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("the PostgreSQL alias store arrives with the regression-gate work; use sqlite:///")
    raise ConfigError(f"unsupported state_url {url!r}: use sqlite:///path/to/state.db")


def read_bootstrap(registry_root: Path) -> dict[str, dict[str, str]]:
    """`{alias: {pipeline: label, hash: ...}}` from the committed bootstrap file."""
    path = registry_root / BOOTSTRAP_NAME
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML") from exc
    out = {}
    for alias, entry in raw.items():
        if not isinstance(entry, dict) or "pipeline" not in entry or "hash" not in entry:
            raise RegistryError(f"{path}: alias {alias!r} needs 'pipeline' (label) and 'hash'")
        out[str(alias)] = {"pipeline": str(entry["pipeline"]), "hash": str(entry["hash"])}
    return out


def current_actor() -> str:
    """Who moves an alias: TAILOR_ACTOR, else CI's actor, else the OS user."""
    for key in ("TAILOR_ACTOR", "GITHUB_ACTOR"):
        if os.environ.get(key):
            return os.environ[key]
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
