"""Aliases -> pipeline versions: every move is a row; `alias_heads` holds each alias's newest move.

A move is one transaction: the pipeline's snapshot, the move row, the head (compare-and-set) and
an audit row. `expected` makes the move conditional: None = the alias must not exist yet, a hash =
the alias must point there now. The head row is read FOR UPDATE (SQLite: the transaction holds
the write lock), then updated only where it still names what was read, so a lost race is a
ConflictError, never a silent overwrite.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Final

from sqlalchemy import Connection, Insert, RowMapping, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.errors import ConflictError, InputError, NotFoundError
from app.state._audit import insert_audit
from app.state._base import StoreBase
from app.state._models import ANY, MOVE_KINDS, AliasMove
from app.state._schema import alias_heads, alias_moves, pipelines, verdicts

ALIAS_RE: Final = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_ANY_RETRIES = 3  # an unconditional move retries when another process created the alias first


def insert_ignoring_duplicates(table: Table, dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect's own words."""
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


class AliasesMixin(StoreBase):
    def get_alias(self, alias: str) -> AliasMove | None:
        query = select(alias_moves).join(alias_heads, alias_heads.c.move_id == alias_moves.c.id)
        with self._read() as connection:
            row = connection.execute(query.where(alias_heads.c.alias == alias)).mappings().first()
        return _move(row) if row else None

    def current_aliases(self) -> list[AliasMove]:
        query = select(alias_moves).join(alias_heads, alias_heads.c.move_id == alias_moves.c.id)
        with self._read() as connection:
            rows = connection.execute(query.order_by(alias_moves.c.alias)).mappings().all()
        return [_move(row) for row in rows]

    def alias_history(self, alias: str | None = None) -> list[AliasMove]:
        """Every move (of one alias, or of all), oldest first."""
        query = select(alias_moves).order_by(alias_moves.c.id)
        if alias is not None:
            query = query.where(alias_moves.c.alias == alias)
        with self._read() as connection:
            return [_move(row) for row in connection.execute(query).mappings().all()]

    def snapshot(self, pipeline_hash: str) -> dict[str, Any] | None:
        query = select(pipelines.c.snapshot).where(pipelines.c.hash == pipeline_hash)
        with self._read() as connection:
            text = connection.execute(query).scalar_one_or_none()
        return json.loads(text) if text is not None else None

    def move_alias(
        self,
        alias: str,
        *,
        pipeline_hash: str,
        label: str,
        snapshot: dict[str, Any],
        who: str,
        why: str,
        expected: str | object | None = ANY,
        kind: str = "set",
        verdict_id: int | None = None,
        forced: bool = False,
    ) -> AliasMove:
        if not ALIAS_RE.match(alias):
            raise InputError(f"bad alias name {alias!r}: lowercase letters, digits, '-' and '_'")
        if not why.strip():
            raise InputError("an alias move needs a reason (--why)")
        if kind not in MOVE_KINDS:
            raise InputError(f"unknown alias move kind {kind!r}: one of {', '.join(MOVE_KINDS)}")
        move = AliasMove(alias, pipeline_hash, label, who, why.strip(), 0.0, None, kind, verdict_id, forced)
        for attempt in range(_ANY_RETRIES):
            try:
                with self._write() as connection:
                    return self._move_in(connection, move, snapshot, expected)
            except _HeadCreated as exc:  # the alias appeared after we read it: another writer created it
                if expected is not ANY or attempt == _ANY_RETRIES - 1:
                    current = self.get_alias(alias)
                    raise _conflict(alias, expected, current.pipeline_hash if current else None) from exc
        raise AssertionError("unreachable")

    def _move_in(
        self, connection: Connection, move: AliasMove, snapshot: dict[str, Any], expected: object
    ) -> AliasMove:
        head_query = select(alias_heads).where(alias_heads.c.alias == move.alias).with_for_update()
        head = connection.execute(head_query).mappings().first()
        actual = head["pipeline_hash"] if head else None
        if expected is not ANY and expected != actual:
            raise _conflict(move.alias, expected, actual)
        if move.verdict_id is not None:
            found = connection.execute(select(verdicts.c.id).where(verdicts.c.id == move.verdict_id)).first()
            if found is None:
                raise NotFoundError(f"no verdict {move.verdict_id} in the state store")
        now = time.time()
        connection.execute(
            insert_ignoring_duplicates(pipelines, self.dialect).values(
                hash=move.pipeline_hash,
                label=move.label,
                snapshot=json.dumps(snapshot, sort_keys=True),
                first_seen=now,
            )
        )
        row: dict[str, Any] = {
            "alias": move.alias,
            "pipeline_hash": move.pipeline_hash,
            "label": move.label,
            "who": move.who,
            "why": move.why,
            "at": now,
            "previous_hash": actual,
            "kind": move.kind,
            "verdict_id": move.verdict_id,
            "forced": move.forced,
        }
        move_id = connection.execute(
            insert(alias_moves).values(**row).returning(alias_moves.c.id)
        ).scalar_one()
        if head is None:
            try:
                connection.execute(
                    insert(alias_heads).values(
                        alias=move.alias, pipeline_hash=move.pipeline_hash, move_id=move_id
                    )
                )
            except IntegrityError as exc:  # the transaction is void now; the caller decides
                raise _HeadCreated from exc
        else:
            swapped = connection.execute(
                update(alias_heads)
                .where(
                    alias_heads.c.alias == move.alias,
                    alias_heads.c.pipeline_hash == actual,
                    alias_heads.c.move_id == head["move_id"],
                )
                .values(pipeline_hash=move.pipeline_hash, move_id=move_id)
            )
            if swapped.rowcount != 1:  # cannot happen under the row lock; never overwrite if it does
                now_at = connection.execute(head_query).mappings().first()
                raise _conflict(move.alias, expected, now_at["pipeline_hash"] if now_at else None)
        audited = ("pipeline_hash", "label", "previous_hash", "why", "verdict_id", "forced")
        details = {key: row[key] for key in audited} | {"move_id": move_id}
        insert_audit(
            connection, who=move.who, action=f"alias.{move.kind}", subject=move.alias, details=details
        )
        return AliasMove(**row, id=move_id)


class _HeadCreated(Exception):
    """Inserting an alias's first head row hit the primary key: someone created it meanwhile."""


def _conflict(alias: str, expected: object, actual: str | None) -> ConflictError:
    wanted = "any target" if expected is ANY else "no alias yet" if expected is None else str(expected)[:12]
    found = "nothing" if actual is None else actual[:12]
    return ConflictError(
        f"alias {alias!r} points to {found} but the move expected {wanted}; re-read it and retry"
    )


def _move(row: RowMapping) -> AliasMove:
    return AliasMove(
        alias=row["alias"],
        pipeline_hash=row["pipeline_hash"],
        label=row["label"],
        who=row["who"],
        why=row["why"],
        at=row["at"],
        previous_hash=row["previous_hash"],
        kind=row["kind"],
        verdict_id=row["verdict_id"],
        forced=bool(row["forced"]),
        id=row["id"],
    )
