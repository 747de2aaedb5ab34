"""The jobs and feedback tables of the state store, on SQLite and on the real PostgreSQL: idempotent
creation, exclusive claims under threads, lease expiry, owner-only completion, erasure, purge."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.errors import ConflictError
from app.state import FeedbackEntry, NewJob, StateStore, open_state


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.db'}"
    else:
        base = request.getfixturevalue("postgres_url")
        schema = f"t_{secrets.token_hex(6)}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = f"{base}?options=-csearch_path%3D{schema}"
    opened = open_state(url)
    yield opened
    opened.close()


def _job(job_id: str, *, key: str | None = None, request_hash: str = "h1") -> NewJob:
    return NewJob(
        id=job_id, client="c", idempotency_key=key, request_hash=request_hash, request_id="r",
        pipeline_label="p", pipeline_hash="a" * 64, pipeline_snapshot={"label": "p"},
        resume_text="# Jo Doe\njo@example.com", jd_text="Python engineer",
    )


def test_an_idempotency_key_returns_the_first_job_or_conflicts(store: StateStore) -> None:
    first, created = store.create_job(_job("j1", key="k"))
    again, created_again = store.create_job(_job("j2", key="k"))
    assert created and not created_again and again.id == first.id == "j1"
    with pytest.raises(ConflictError, match="Idempotency-Key 'k'"):
        store.create_job(_job("j3", key="k", request_hash="h2"))
    assert store.create_job(_job("j4"))[1] and store.create_job(_job("j5"))[1]  # no key: always new
    assert store.job_counts()["queued"] == 3


def test_only_one_of_many_workers_claims_a_job(store: StateStore) -> None:
    store.create_job(_job("j1"))
    barrier, won = threading.Barrier(6), []

    def claim(owner: str) -> None:
        barrier.wait()
        if store.claim_job("j1", owner=owner, lease_s=30) is not None:
            won.append(owner)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert store.claimable_jobs() == []
    assert not store.finish_job("j1", owner="someone-else", result={"x": 1}, progress={})
    assert store.finish_job("j1", owner=won[0], result={"x": 1}, progress={"writer": {"status": "done"}})
    job = store.get_job("j1")
    assert job is not None and job.status == "succeeded" and job.result == {"x": 1} and job.attempts == 1


def test_an_expired_lease_is_claimed_again_and_the_old_owner_cannot_finish(store: StateStore) -> None:
    store.create_job(_job("j1"))
    assert store.claim_job("j1", owner="dead", lease_s=0.05) is not None
    assert store.claim_job("j1", owner="alive", lease_s=30) is None  # lease still running
    time.sleep(0.1)
    assert store.claimable_jobs() == ["j1"]
    taken = store.claim_job("j1", owner="alive", lease_s=30)
    assert taken is not None and taken.attempts == 2
    assert not store.renew_lease("j1", owner="dead", lease_s=30)
    assert not store.finish_job("j1", owner="dead", result={}, progress={})
    assert store.fail_job("j1", owner="alive", error="model down", progress={}, retry=True)
    assert store.claimable_jobs() == ["j1"] and store.get_job("j1").error == "model down"  # type: ignore[union-attr]


def test_erase_blanks_content_and_feedback_comments_and_purge_deletes_old_jobs(store: StateStore) -> None:
    store.create_job(_job("j1"))
    store.create_job(_job("j2"))
    store.add_feedback(FeedbackEntry(job_id="j1", client="c", rating="up", reason="good", comment="Jo here",
                                     pipeline_label="p", pipeline_hash="a" * 64))
    erased = store.erase_job("j1", who="c")
    assert erased is not None and erased.status == "erased"
    assert (erased.resume_text, erased.jd_text, erased.result) == (None, None, None)
    assert [f.comment for f in store.list_feedback("j1")] == [None]
    assert store.erase_job("nope", who="c") is None
    assert store.purge_jobs(older_than_s=3600, who="ops") == 0  # too young
    assert store.purge_jobs(older_than_s=-1, who="ops") == 1  # the erased one; queued j2 is kept
    assert store.get_job("j1") is None and store.get_job("j2") is not None
    actions = [(e.action, e.subject) for e in store.audit_log(10)]
    assert ("job.erase", "j1") in actions and ("jobs.purge", "jobs") in actions
    assert all("Jo" not in str(e.details) for e in store.audit_log(10))
