"""The canary: `api_canary_share` of new jobs is served by `staging`, and says so in the X-Pipeline-Version
header, the body, the metrics and the logs; without a usable staging alias, production serves."""

from __future__ import annotations

import logging

import pytest

from app.api.serving import ServedPipeline
from app.registry import Registry, open_registry
from app.settings import get_settings
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, set_api_env, wait_for_job


def _stage(label: str = "v6-strict") -> None:
    open_registry().set_alias("staging", label, "test: a candidate on staging", who="test")


def _served(monkeypatch: pytest.MonkeyPatch, share: float) -> ServedPipeline:
    set_api_env(monkeypatch, canary_share=share)
    settings = get_settings()
    return ServedPipeline(settings, Registry(settings.registry, settings.state))


def test_the_canary_gets_its_share_of_new_jobs(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    _stage()
    served = _served(monkeypatch, 0.25)
    served.rng.seed(15)
    draws = [served.for_new_job() for _ in range(400)]
    canaries = [v for v in draws if v.canary]
    assert 0.18 <= len(canaries) / len(draws) <= 0.32
    assert {v.label for v in canaries} == {"v6-strict+fake/model"} and {v.alias for v in canaries} == {"staging"}
    assert {v.label for v in draws if not v.canary} == {"v7-strict+fake/model"}
    assert canaries[0].header().endswith("; canary=staging") and canaries[0].body()["canary"] == "staging"
    assert served.current().canary is False  # what the API serves (headers, /ready) stays production


def test_no_canary_without_a_share_a_staging_alias_or_a_difference(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    off = _served(monkeypatch, 0.0)
    assert off.canary is None and not off.for_new_job().canary
    with caplog.at_level(logging.WARNING, logger="tailor.api"):
        missing = _served(monkeypatch, 1.0)
        assert not any(missing.for_new_job().canary for _ in range(5))
    assert sum("canary alias 'staging' unusable" in r.getMessage() for r in caplog.records) == 1
    _stage("v7-strict")  # staging where production is: nothing to compare
    assert not _served(monkeypatch, 1.0).for_new_job().canary


def test_a_canary_job_is_labelled_in_header_body_metrics_and_logs(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _stage()
    caplog.set_level(logging.INFO, logger="tailor")
    with api_client(monkeypatch, canary_share=1.0) as client:
        response = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD})
        body = response.json()
        later = client.get(f"/v1/jobs/{body['job_id']}")
        health = client.get("/health")
        metrics = client.get("/metrics").text
    assert response.status_code == 200 and body["status"] == "succeeded"
    assert body["pipeline"]["label"] == "v6-strict+fake/model" and body["pipeline"]["canary"] == "staging"
    expected_header = f"v6-strict+fake/model@{body['pipeline']['hash']}; canary=staging"
    assert response.headers["x-pipeline-version"] == expected_header
    assert later.headers["x-pipeline-version"] == expected_header and later.json()["pipeline"]["canary"] == "staging"
    assert health.headers["x-pipeline-version"].startswith("v7-strict+fake/model@")  # the API serves production
    assert "; canary" not in health.headers["x-pipeline-version"]
    assert 'tailor_jobs_submitted_total{alias="staging",canary="true",label="v6-strict+fake/model"} 1.0' in metrics
    assert 'tailor_canary_share{alias="staging"} 1.0' in metrics
    submitted = [r for r in caplog.records if getattr(r, "event", None) == "job.submitted"]
    assert len(submitted) == 1 and submitted[0].canary is True and submitted[0].alias == "staging"  # type: ignore[attr-defined]
    access = [r for r in caplog.records if getattr(r, "event", None) == "request" and "canary=staging" in str(getattr(r, "pipeline", ""))]
    assert access, "the access log line names the canary too"


def test_production_jobs_are_counted_under_production(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        response = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD})
        assert wait_for_job(client, response.json()["job_id"])["status"] == "succeeded"
        metrics = client.get("/metrics").text
    assert response.json()["pipeline"]["canary"] is None
    assert "; canary" not in response.headers["x-pipeline-version"]
    assert 'tailor_jobs_submitted_total{alias="production",canary="false",label="v7-strict+fake/model"} 1.0' in metrics
    assert 'tailor_canary_share{alias="staging"} 0.0' in metrics
