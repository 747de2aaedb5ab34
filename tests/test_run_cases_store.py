"""The state store's case rows for distributed evaluations: one record per case per run key,
whatever the deliveries; errors retried on resume; stale epochs; inputs dropped at the end.
On SQLite, and on PostgreSQL when it answers."""

from __future__ import annotations

import json
import threading
import time

import pytest

from app.state import RunEntry, StateStore, open_state


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path) -> StateStore:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return open_state(f"sqlite:///{tmp_path / 'state.db'}")
    return open_state(request.getfixturevalue("postgres_url"))


def _run(store: StateStore, key: str) -> str:
    store.register_run(
        RunEntry(run_key=key, pipeline_hash="p", pipeline_label="v", dataset_ref="d", dataset_hash="h",
                 scorers=["structure"], judge_version=None, code_hash="c", folder="/tmp/x", cases_total=3)
    )  # fmt: skip
    return key


def _record(case_id: str, status: str = "ok") -> str:
    return json.dumps({"case_id": case_id, "status": status, "error": "boom" if status == "error" else None})


def test_a_case_is_recorded_once_however_often_it_is_delivered(store: StateStore) -> None:
    key = _run(store, f"k-once-{time.time_ns()}")
    store.seed_run_cases(key, [("a", '{"id": "a"}'), ("b", '{"id": "b"}')])
    assert store.start_case(key, "a", worker="w1") == '{"id": "a"}'
    assert store.start_case(key, "a", worker="w2") == '{"id": "a"}'  # redelivered while still running
    assert store.record_case(key, "a", record_json=_record("a"), status="ok", worker="w1") is True
    assert store.record_case(key, "a", record_json=_record("a"), status="ok", worker="w2") is False
    assert store.start_case(key, "a", worker="w3") is None  # a third delivery does nothing
    assert store.run_counts(key) == store.run_counts(key, ["a", "b"])
    counts = store.run_counts(key)
    assert (counts.ok, counts.pending, counts.error) == (1, 1, 0)
    assert store.run_records(key) == [_record("a")]


def test_records_race_and_exactly_one_wins(store: StateStore) -> None:
    key = _run(store, f"k-race-{time.time_ns()}")
    store.seed_run_cases(key, [("a", "{}")])
    wins: list[bool] = []
    threads = [
        threading.Thread(target=lambda i=i: wins.append(
            store.record_case(key, "a", record_json=_record("a"), status="ok", worker=f"w{i}")))
        for i in range(8)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_an_error_goes_back_to_pending_on_resume_and_success_is_final(store: StateStore) -> None:
    key = _run(store, f"k-err-{time.time_ns()}")
    store.seed_run_cases(key, [("a", '{"id": "a"}'), ("b", '{"id": "b"}')])
    store.start_case(key, "a", worker="w")
    assert store.record_case(key, "a", record_json=_record("a", "error"), status="error", worker="w")
    store.start_case(key, "b", worker="w")
    store.record_case(key, "b", record_json=_record("b"), status="ok", worker="w")
    since = store.database_time() - 5
    seen = {(r.case_id, r.status, r.error) for r in store.recorded_since(key, since)}
    assert seen == {("a", "error", "boom"), ("b", "ok", None)}
    store.forget_case_inputs(key)
    store.seed_run_cases(key, [("a", '{"id": "a"}'), ("b", '{"id": "b"}')])  # the same command again
    assert store.pending_case_ids(key) == ["a"]
    assert store.start_case(key, "a", worker="w") == '{"id": "a"}'  # its inputs are back
    assert store.start_case(key, "b", worker="w") is None


def test_cases_done_elsewhere_are_seeded_done_without_inputs(store: StateStore) -> None:
    key = _run(store, f"k-done-{time.time_ns()}")
    store.seed_run_cases(key, [("a", '{"id": "a"}'), ("b", '{"id": "b"}')], done=["a"])
    assert store.pending_case_ids(key) == ["b"]
    assert store.start_case(key, "a", worker="w") is None


def test_each_submission_starts_an_epoch_and_cancel_stales_it(store: StateStore) -> None:
    key = _run(store, f"k-epoch-{time.time_ns()}")
    first = store.set_run_spec(key, backend="celery", spec='{"x": 1}')
    assert store.run_spec(key) == ('{"x": 1}', first)
    assert store.bump_epoch(key) == first + 1
    assert store.set_run_spec(key, backend="celery", spec='{"x": 1}') == first + 2
    again = store.register_run(store.get_run(key).model_copy(update={"status": "running"}))  # type: ignore[union-attr]
    assert again.epoch == first + 2  # re-registering a run never resets its epoch
    assert again.backend == "celery"
