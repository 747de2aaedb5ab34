"""The state store on SQLite and PostgreSQL: compare-and-set alias moves under threads and processes,
migrations (fresh, concurrent, and from a legacy state.db), the run index, verdicts and the audit log."""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from app.errors import ConfigError, ConflictError, InputError, NotFoundError
from app.registry import Registry
from app.settings import PROJECT_ROOT
from app.state import ANY, RunEntry, StateStore, VerdictEntry, open_state
from evals.judge import CalibrationReport, CalibrationStore, RubricCalibration

A, B, C = "a" * 64, "b" * 64, "c" * 64


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty store: a new SQLite file, or a new schema in the session's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state' / 'state.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    yield f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def store(state_url: str) -> Iterator[StateStore]:
    opened = open_state(state_url)
    yield opened
    opened.close()


def _move(store: StateStore, alias: str, target: str, **kwargs: Any) -> Any:
    return store.move_alias(
        alias,
        pipeline_hash=target,
        label=f"v-{target[0]}",
        snapshot={"hash": target},
        who="tester",
        why="test",
        **kwargs,
    )


def test_move_alias_compares_and_sets(store: StateStore) -> None:
    first = _move(store, "production", A, expected=None, kind="bootstrap")
    assert (first.previous_hash, first.kind, first.id > 0) == (None, "bootstrap", True)
    with pytest.raises(ConflictError) as lost:
        _move(store, "production", B, expected=None)
    assert "production" in str(lost.value) and A[:12] in str(lost.value)
    assert (lost.value.exit_code, lost.value.http_status) == (7, 409)
    second = _move(store, "production", B, expected=A)
    assert second.previous_hash == A
    with pytest.raises(ConflictError) as stale:
        _move(store, "production", C, expected=A)
    assert A[:12] in str(stale.value) and B[:12] in str(stale.value)
    third = _move(store, "production", C)  # ANY: unconditional
    assert third.previous_hash == B
    assert store.get_alias("production") == third
    assert store.snapshot(C) == {"hash": C} and store.snapshot("f" * 64) is None
    _move(store, "staging", A)
    assert [(m.alias, m.pipeline_hash) for m in store.current_aliases()] == [
        ("production", C),
        ("staging", A),
    ]
    assert [m.pipeline_hash for m in store.alias_history("production")] == [A, B, C]
    assert store.get_alias("nobody") is None


def test_history_keeps_kind_verdict_and_forced_and_every_move_is_audited(store: StateStore) -> None:
    verdict = store.record_verdict(_verdict(passed=True))
    _move(store, "production", A, expected=None, kind="bootstrap")
    _move(store, "production", B, expected=A, kind="promote", verdict_id=verdict.id)
    _move(store, "production", A, expected=B, kind="rollback", forced=True)
    history = store.alias_history("production")
    assert [(m.kind, m.verdict_id, m.forced) for m in history] == [
        ("bootstrap", None, False),
        ("promote", verdict.id, False),
        ("rollback", None, True),
    ]
    audited = [e for e in store.audit_log() if e.action.startswith("alias.")]
    assert [e.action for e in reversed(audited)] == ["alias.bootstrap", "alias.promote", "alias.rollback"]
    assert [e.details["move_id"] for e in reversed(audited)] == [m.id for m in history]
    assert all(e.subject == "production" and e.who == "tester" for e in audited)
    store.audit(who="ci", action="gate.run", subject=B, details={"passed": True})
    newest = store.audit_log(limit=1)
    assert len(newest) == 1 and (newest[0].action, newest[0].details) == ("gate.run", {"passed": True})


def test_bad_moves_are_refused_and_leave_nothing(store: StateStore) -> None:
    for kwargs in ({"kind": "yolo"}, {"why": "  "}):
        with pytest.raises(InputError):
            store.move_alias("x", pipeline_hash=A, label="l", snapshot={}, who="t", **{"why": "w", **kwargs})
    with pytest.raises(InputError):
        _move(store, "Bad Name!", A)
    with pytest.raises(NotFoundError):
        _move(store, "production", A, verdict_id=424242)
    assert store.alias_history() == [] and store.get_alias("production") is None


def test_concurrent_moves_with_one_expectation_have_one_winner(store: StateStore) -> None:
    _move(store, "production", A, expected=None)
    targets = [f"{i:x}" * 64 for i in range(1, 9)]
    outcomes = _in_threads([lambda t=t: _outcome(store, t, expected=A) for t in targets])
    winners = [t for t, outcome in zip(targets, outcomes, strict=True) if outcome == "won"]
    assert len(winners) == 1 and outcomes.count("conflict") == len(targets) - 1
    head = store.get_alias("production")
    assert head is not None and head.pipeline_hash == winners[0] and head.previous_hash == A
    assert len(store.alias_history("production")) == 2


def test_concurrent_unconditional_moves_form_one_chain(store: StateStore) -> None:
    targets = [f"{i:x}" * 64 for i in range(1, 9)]
    outcomes = _in_threads([lambda t=t: _outcome(store, t, expected=ANY) for t in targets])
    assert outcomes == ["won"] * len(targets)
    history = store.alias_history("production")
    assert [m.previous_hash for m in history] == [None] + [m.pipeline_hash for m in history[:-1]]
    assert store.get_alias("production") == history[-1]


def test_concurrent_moves_from_two_processes_have_one_winner(store: StateStore) -> None:
    _move(store, "production", A, expected=None)
    outcomes = _in_processes(_move_in_child, [(store.url, B, A), (store.url, C, A)])
    assert sorted(outcomes) == ["conflict", "won"]
    head = store.get_alias("production")
    assert head is not None and head.pipeline_hash in (B, C) and len(store.alias_history()) == 2


def test_a_fresh_store_opened_by_two_processes_migrates_once(state_url: str) -> None:
    from app.state._engine import MIGRATIONS_DIR

    revisions = sorted(p.name[:4] for p in (MIGRATIONS_DIR / "versions").glob("0*.py"))  # 0001, 0002, ...
    assert _in_processes(_open_in_child, [(state_url,), (state_url,)]) == [revisions[-1]] * 2
    store = open_state(state_url)
    upgrades = [e for e in store.audit_log() if e.action == "schema.upgrade"]
    assert [e.subject for e in upgrades] == revisions[:0:-1]  # newest first; 0001 predates the audit log
    store.close()


def test_bootstrap_adoption_from_two_processes_records_one_move(state_url: str) -> None:
    adopted = _in_processes(_adopt_in_child, [(state_url,), (state_url,)])
    store = open_state(state_url)
    history = store.alias_history("production")
    assert [m.kind for m in history] == ["bootstrap"]
    assert adopted == [history[0].pipeline_hash] * 2
    store.close()


def test_registry_passes_compare_and_set_through(state_url: str) -> None:
    registry = Registry(PROJECT_ROOT / "prompt_registry", state_url)
    production = registry.alias("production")
    assert production is not None and production.kind == "bootstrap"
    with pytest.raises(ConflictError):
        registry.set_alias("production", "v1-loose", "stale read", who="ci", expected=B, kind="promote")
    move = registry.set_alias(
        "production", "v1-loose", "gate passed", who="ci", expected=production.pipeline_hash, kind="promote"
    )
    assert (move.kind, move.previous_hash) == ("promote", production.pipeline_hash)
    assert registry.store is open_state(state_url)
    registry.store.close()


def test_run_index_filters_by_every_key_and_status(store: StateStore) -> None:
    keys = {"pipeline_hash": "p1", "dataset_hash": "d1", "code_hash": "k1"}
    store.register_run(_run("old", started_at=100.0, **keys))
    store.register_run(_run("new", started_at=200.0, **keys))
    for field in keys:  # a run that differs in one key only
        store.register_run(_run(f"other-{field}", started_at=300.0, **{**keys, field: "zz"}))
    store.update_run("old", status="finished", cases_done=6, mlflow_run_id="m1")
    store.update_run("new", status="finished")
    assert [r.run_key for r in store.find_runs(**keys)] == ["new", "old"]
    for field in keys:
        assert [r.run_key for r in store.find_runs(**{**keys, field: "zz"}, status=None)] == [
            f"other-{field}"
        ]
        assert store.find_runs(**{**keys, field: "zz"}) == []  # still running
    store.update_run("new", status="failed")
    assert [r.run_key for r in store.find_runs(**keys, status="failed")] == ["new"]
    old = store.get_run("old")
    assert old is not None and (old.cases_done, old.mlflow_run_id, old.scorers) == (6, "m1", ["fabrication"])
    assert old.finished_at is not None and old.finished_at >= old.started_at
    resumed = store.register_run(_run("old", cases_done=6, **keys))  # a resumed run re-registers
    assert (resumed.status, resumed.finished_at, resumed.started_at) == ("running", None, 100.0)
    assert store.get_run("missing") is None
    with pytest.raises(NotFoundError):
        store.update_run("missing", status="finished")
    with pytest.raises(InputError):
        store.update_run("old", status="done")


def test_find_verdict_needs_all_five_hashes(store: StateStore) -> None:
    older = store.record_verdict(_verdict(passed=False))
    newer = store.record_verdict(_verdict(passed=True))
    assert newer.id > older.id and newer.at > 0
    key = _verdict(passed=True).model_dump(include=set(_KEY))
    found = store.find_verdict(**key)
    assert found == newer and store.get_verdict(older.id) == older
    for field in _KEY:
        assert store.find_verdict(**{**key, field: "other"}) is None
    assert store.get_verdict(999_999) is None


def test_calibrations_keep_the_judge_store_api(state_url: str) -> None:
    calibrations = CalibrationStore(state_url)
    assert not calibrations.is_calibrated("j1") and calibrations.latest("j1") is None
    for at, kappa in ((1.0, 0.2), (2.0, 0.7)):
        rubric = RubricCalibration(rubric="faithful", n=9, accuracy=0.8, kappa=kappa, confusion={"tp": 3})
        calibrations.record(
            CalibrationReport(
                judge_version="j1",
                model="m",
                labels_path="l",
                labels_hash="h",
                rows=9,
                rubrics=[rubric],
                at=at,
            )
        )
    latest = calibrations.latest("j1")
    assert calibrations.is_calibrated("j1") and not calibrations.is_calibrated("j2")
    assert latest is not None and latest.at == 2.0 and latest.rubric("faithful") == rubric
    calibrations.close()


def test_legacy_sqlite_state_db_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "legacy" / "state.db"
    path.parent.mkdir()
    legacy = sqlite3.connect(path)
    legacy.executescript(_LEGACY_SQL)
    legacy.close()
    url = f"sqlite:///{path}"
    store = open_state(url)
    history = store.alias_history()
    assert [(m.id, m.alias, m.who, m.kind, m.pipeline_hash) for m in history] == [
        (1, "production", "bootstrap", "bootstrap", A),
        (2, "production", "alice", "set", B),
        (3, "staging", "bob", "set", A),
    ]
    assert [(m.alias, m.pipeline_hash) for m in store.current_aliases()] == [
        ("production", B),
        ("staging", A),
    ]
    assert store.snapshot(B) == {"label": "v-b"}
    latest = CalibrationStore(url).latest("j-legacy")
    assert latest is not None and latest.rubric("faithful") is not None and latest.model == "old-model"
    with pytest.raises(ConflictError):
        _move(store, "production", C, expected=A)
    assert _move(store, "production", C, expected=B).id == 4
    store.close()


def test_sqlite_store_pools_its_connections_and_closes_them(tmp_path: Path) -> None:
    path = tmp_path / "s" / "state.db"
    store = open_state(f"sqlite:///{path}")
    with store.engine.connect() as connection:
        pragmas = [
            connection.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    assert pragmas == ["wal", 1, 30000]
    for _ in range(50):  # a served process: many requests, a few pooled connections
        _move(store, "production", A)
        store.get_alias("production")

    def open_db_files() -> list[str]:
        links = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd") if _is_link(fd)]
        return [f for f in links if f == str(path)]

    assert 0 < len(open_db_files()) <= 5, "connections are pooled, not one per request"
    store.close()
    assert not open_db_files(), "close() leaves no connection open"
    assert open_state(f"sqlite:///{path}") is store


def test_state_urls_are_checked_and_postgresql_uses_psycopg() -> None:
    from app.state import normalize_url

    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    for bad in ("mysql://u@h/db", "sqlite://", "sqlite:///:memory:", "not a url"):
        with pytest.raises(ConfigError):
            normalize_url(bad)


# -- helpers ---------------------------------------------------------------------------------------
_KEY = ("candidate_hash", "baseline_hash", "dataset_hash", "policy_hash", "code_hash")


def _verdict(passed: bool) -> VerdictEntry:
    hashes = {field: f"{field[:4]}-hash" for field in _KEY}
    return VerdictEntry(**hashes, passed=passed, verdict_json=json.dumps({"passed": passed}), folder="f")


def _run(run_key: str, **fields: Any) -> RunEntry:
    base = {
        "pipeline_label": "v7",
        "dataset_ref": "golden:smoke",
        "scorers": ["fabrication"],
        "judge_version": None,
    }
    return RunEntry(run_key=run_key, folder=f"runs/{run_key}", **{**base, **fields})


def _outcome(store: StateStore, target: str, *, expected: object) -> str:
    try:
        _move(store, "production", target, expected=expected)
    except ConflictError:
        return "conflict"
    return "won"


def _in_threads(calls: list[Callable[[], str]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    results: list[str] = [""] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _in_processes(target: Callable[..., Any], argument_lists: list[tuple[Any, ...]]) -> list[Any]:
    """Run `target(barrier, queue, index, *args)` in one spawned process per argument list, all at once."""
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(len(argument_lists)), context.Queue()
    processes = [
        context.Process(target=target, args=(barrier, queue, i, *args))
        for i, args in enumerate(argument_lists)
    ]
    for process in processes:
        process.start()
    results = dict(queue.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    return [results[i] for i in range(len(processes))]


def _move_in_child(barrier: Any, queue: Any, index: int, url: str, target: str, expected: str) -> None:
    store = open_state(url)
    barrier.wait()
    queue.put((index, _outcome(store, target, expected=expected)))


def _open_in_child(barrier: Any, queue: Any, index: int, url: str) -> None:
    barrier.wait()
    store = open_state(url)
    with store.engine.connect() as connection:
        queue.put((index, connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()))


def _adopt_in_child(barrier: Any, queue: Any, index: int, url: str) -> None:
    registry = Registry(PROJECT_ROOT / "prompt_registry", url)
    registry.store  # noqa: B018  (open and migrate before the race)
    barrier.wait()
    move = registry.alias("production")
    queue.put((index, move.pipeline_hash if move else None))


def _is_link(fd: str) -> bool:
    try:
        os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return True


# What the pre-Alembic SQLiteDB stores wrote (app/registry/_aliases.py and evals/judge/_store.py).
_LEGACY_SQL = f"""
CREATE TABLE alias_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT, alias TEXT NOT NULL, pipeline_hash TEXT NOT NULL,
    label TEXT NOT NULL, who TEXT NOT NULL, why TEXT NOT NULL, at REAL NOT NULL, previous_hash TEXT
);
CREATE INDEX alias_moves_alias ON alias_moves(alias, id);
CREATE TABLE pipelines (hash TEXT PRIMARY KEY, label TEXT NOT NULL, snapshot TEXT NOT NULL, first_seen REAL NOT NULL);
PRAGMA user_version = 1;
CREATE TABLE IF NOT EXISTS judge_calibrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, judge_version TEXT NOT NULL, rubric TEXT NOT NULL, n INTEGER NOT NULL,
    accuracy REAL, kappa REAL, labels_hash TEXT NOT NULL, at REAL NOT NULL, details TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX IF NOT EXISTS judge_calibrations_version ON judge_calibrations(judge_version, at);
INSERT INTO pipelines VALUES ('{A}', 'v-a', '{{"label": "v-a"}}', 1.0), ('{B}', 'v-b', '{{"label": "v-b"}}', 2.0);
INSERT INTO alias_moves (alias, pipeline_hash, label, who, why, at, previous_hash) VALUES
    ('production', '{A}', 'v-a', 'bootstrap', 'adopted from prompt_registry/aliases.yaml', 1.0, NULL),
    ('production', '{B}', 'v-b', 'alice', 'better', 2.0, '{A}'),
    ('staging', '{A}', 'v-a', 'bob', 'try', 3.0, NULL);
INSERT INTO judge_calibrations (judge_version, rubric, n, accuracy, kappa, labels_hash, at, details) VALUES
    ('j-legacy', 'faithful', 10, 0.9, 0.8, 'h', 5.0, '{{"model": "old-model", "rows": 10}}');
"""
