"""Every way a request can be refused answers JSON with a status, a type, the field and the reason,
the request id, and never a traceback: 401, 404, 413, 415-like content types, 422, 429, 500. And
the three input forms (JSON, text fields, file uploads) are accepted."""

from __future__ import annotations

import pytest

from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, assert_error, wait_for_job


def test_oversized_inputs_are_413_naming_the_field(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    big_resume = RESUME + "\n- " + "x" * 100_001
    big_jd = JD + "\n" + "y" * 20_001
    with api_client(monkeypatch) as client:
        resume = client.post("/v1/jobs", json={"resume": big_resume, "jd": JD})
        jd = client.post("/v1/jobs", json={"resume": RESUME, "jd": big_jd})
        upload = client.post("/v1/jobs", files={"resume_file": ("cv.md", big_resume.encode()), "jd": (None, JD)})
        body = client.post("/v1/jobs", content=b"{" + b" " * 500_000 + b"}", headers={"Content-Type": "application/json"})
    assert_error(resume, 413, "payload_too_large", "resume")
    assert_error(jd, 413, "payload_too_large", "jd")
    assert_error(upload, 413, "payload_too_large", "resume")
    assert_error(body, 413, "payload_too_large", "body")
    assert not fake_llm.calls


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"json": {"resume": RESUME}}, "jd"),
        ({"json": {"resume": "   ", "jd": JD}}, "resume"),
        ({"json": {"resume": RESUME, "jd": JD, "colour": "blue"}}, "colour"),
        ({"json": {"resume": {"name": "pizza"}, "jd": JD}}, "resume"),
        ({"json": {"resume": RESUME, "jd": "{not json"}}, "jd"),
        ({"json": ["resume", "jd"]}, "body"),
        ({"content": b"{broken", "headers": {"Content-Type": "application/json"}}, "body"),
        ({"content": b"resume", "headers": {"Content-Type": "text/csv"}}, "body"),
        ({"files": {"resume_file": ("cv.pdf", b"%PDF-1.4"), "jd": (None, JD)}}, "resume"),
        ({"files": {"resume_file": ("cv.md", b"\xff\xfe\x00bad"), "jd": (None, JD)}}, "resume"),
        ({"json": {"resume": RESUME, "jd": JD, "webhook_url": "http://127.0.0.1:9/hook"}}, "webhook_url"),
    ],
)
def test_invalid_inputs_are_422_naming_the_field(
    kwargs: dict[str, object], field: str, fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        response = client.post("/v1/jobs", **kwargs)  # type: ignore[arg-type]
    assert_error(response, 422, "validation_error", field)
    assert not fake_llm.calls


def test_text_fields_and_file_uploads_are_accepted(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        form = client.post("/v1/jobs", data={"resume": RESUME, "jd": JD})
        upload = client.post(
            "/v1/jobs", files={"resume_file": ("cv.md", RESUME.encode()), "jd_file": ("job.txt", JD.encode())}
        )
        as_json = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD})
        jobs = [wait_for_job(client, r.json()["job_id"]) for r in (form, upload, as_json)]
    assert [j["status"] for j in jobs] == ["succeeded"] * 3
    assert jobs[0]["result"]["markdown"] == jobs[1]["result"]["markdown"] == jobs[2]["result"]["markdown"]


def test_api_keys_are_required_when_configured(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch, keys="alpha-key,beta-key") as client:
        missing = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD})
        wrong = client.get("/v1/pipelines/production", headers={"X-API-Key": "nope"})
        mine = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD}, headers={"X-API-Key": "alpha-key"})
        job_id = mine.json()["job_id"]
        theirs = client.get(f"/v1/jobs/{job_id}", headers={"X-API-Key": "beta-key"})
        own = wait_for_job(client, job_id, headers={"X-API-Key": "alpha-key"})
        health = client.get("/health")
    assert_error(missing, 401, "unauthorized")
    assert_error(wrong, 401, "unauthorized")
    assert mine.status_code == 202 and own["status"] == "succeeded"
    assert_error(theirs, 404, "not_found")  # another client's job does not exist for you
    assert health.status_code == 200  # operations endpoints stay open


def test_a_client_past_its_rate_gets_429_with_retry_after(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch, rate_burst=2, rate_per_minute=6) as client:
        answers = [client.get("/v1/pipelines/production") for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_error(answers[2], 429, "rate_limited")
    assert 1 <= int(answers[2].headers["retry-after"]) <= 10


def test_unknown_routes_and_bugs_answer_json_without_a_traceback(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        missing = client.get("/v1/nothing-here")
        unknown_job = client.get("/v1/jobs/0123456789abcdef")
        bad_id = client.get("/v1/jobs/not-an-id!")
        context = client.app.state.context  # type: ignore[attr-defined]

        def broken() -> dict[str, int]:
            raise RuntimeError("a bug with a secret in it")

        monkeypatch.setattr(context.store, "job_counts", broken)
        bug = client.get("/metrics", headers={"X-Request-ID": "bug-1"})
    assert_error(missing, 404, "not_found")
    assert_error(unknown_job, 404, "not_found")
    assert_error(bad_id, 422, "validation_error", "path.job_id")
    body = assert_error(bug, 500, "internal_error")
    assert "secret" not in bug.text and "bug-1" in body["error"]["message"]
    assert bug.headers["x-pipeline-version"].startswith("v7-strict+fake/model@")
