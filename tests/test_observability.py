"""Observability: the JSON log lines of a whole job on the golden sample (every logger, DEBUG up) carry
its ids, pipeline, latency, tokens and cost and never the sample's e-mail or phone; `redact`; the
Prometheus metrics a job moves; and OpenTelemetry spans as log lines when `otel_enabled` is set.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.api.observability import ContextFilter, JsonLogFormatter, configure_tracing, redact
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, wait_for_job

BODY = {"resume": RESUME, "jd": JD}
EMAIL = re.search(r"[\w.+-]+@[\w.-]+", RESUME).group(0)  # type: ignore[union-attr]
PHONE = re.search(r"\(\d{3}\) \d{3}-\d{4}", RESUME).group(0)  # type: ignore[union-attr]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every record of every logger at DEBUG and up, written as `tailor serve` writes it."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    level = root.level
    tailor_level = logging.getLogger("tailor").level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("tailor").setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.getLogger("tailor").setLevel(tailor_level)


def lines_of(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_the_sample_has_the_contact_details_this_test_looks_for() -> None:
    assert EMAIL == "priya.raman@example.com" and PHONE == "(555) 013-2233"


def test_a_jobs_log_lines_name_its_ids_costs_and_never_a_contact_detail(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch, json_log: io.StringIO
) -> None:
    with api_client(monkeypatch) as client:
        accepted = client.post("/v1/jobs", json=BODY, headers={"X-Request-ID": "obs-1"}).json()
        job = wait_for_job(client, accepted["job_id"])
        client.get(f"/v1/jobs/{job['job_id']}/events")
        client.get(f"/v1/jobs/{job['job_id']}/download/md")
        client.post("/v1/jobs", json={"resume": RESUME, "jd": ""})  # a 422 that names the field
    assert job["status"] == "succeeded"
    assert EMAIL in RESUME and fake_llm.calls  # the job really ran on the sample
    text = json_log.getvalue()
    assert text.count("\n") > 10
    for secret in (EMAIL, PHONE, "013-2233", "0132233", "priya.raman"):
        assert secret not in text, f"{secret!r} in the logs"
    lines = lines_of(json_log)
    [done] = [e for e in lines if e["message"] == "job.succeeded"]
    assert done["request_id"] == "obs-1" and done["job_id"] == job["job_id"]
    assert done["pipeline"] == job["pipeline"]["hash"][:12]
    assert done["ms"] > 0 and done["tokens"] > 0 and "cost_usd" in done and done["fallback_used"] is False
    requests = [e for e in lines if e["message"] == "request" and e["request_id"] == "obs-1"]
    assert requests and requests[0]["status"] == 202 and requests[0]["ms"] >= 0
    assert requests[0]["pipeline"].endswith(job["pipeline"]["hash"])


def test_redact_scrubs_emails_and_phones_but_not_ids_dates_or_addresses() -> None:
    assert redact(f"contact {EMAIL} or {PHONE}") == "contact [email] or [phone]"
    for phone in ("+1 555 013 2233", "555-013-2233", "555.013.2233", "+44 20 7946 0958", "+15550132233"):
        assert redact(f"call {phone} now") == "call [phone] now", phone
    for kept in (
        "647a00fae779",
        "92c30fb7-34b3-446e-84ae-c1716bcf1fc6",
        "2019-2023",
        "2021-03-15",
        "ms=1234.5",
        "127.0.0.1:8000",
        "192.168.100.200",
        "v1.2.3",
    ):
        assert redact(kept) == kept, kept


def test_an_error_quoting_its_input_is_scrubbed_in_the_log_line() -> None:
    record = logging.LogRecord(
        "tailor.api", logging.ERROR, __file__, 1, "bad input %s", (RESUME[:200],), None
    )
    record.reason = f"could not parse {EMAIL}"
    line = JsonLogFormatter().format(record)
    assert EMAIL not in line and PHONE not in line and "[email]" in line and "[phone]" in line


def test_metrics_show_tokens_cost_cache_ratio_jobs_and_the_queue(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        for _ in range(2):  # the second run of the same request is answered by the cache
            wait_for_job(client, client.post("/v1/jobs", json=BODY).json()["job_id"])
        metrics = client.get("/metrics").text
    values = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
              for line in metrics.splitlines() if line and not line.startswith("#")}  # fmt: skip
    hits, misses = (
        values['tailor_llm_calls_total{cache="hit"}'],
        values['tailor_llm_calls_total{cache="miss"}'],
    )
    assert hits == misses > 0
    assert values["tailor_llm_cache_hit_ratio"] == pytest.approx(0.5)
    assert values['tailor_llm_tokens_total{direction="input"}'] > 0 and "tailor_llm_cost_usd_total" in values
    assert values['tailor_jobs{state="succeeded"}'] == 2 and values["tailor_queue_depth"] == 0
    assert values['tailor_jobs_finished_total{outcome="succeeded"}'] == 2
    assert values["tailor_llm_fallback_calls_total"] == 0
    assert any(k.startswith("tailor_http_request_seconds_bucket") for k in values)
    assert not any(k.startswith("tailor_broker_messages") for k in values)  # no broker in process mode


def test_with_otel_enabled_requests_jobs_and_agents_are_spans_in_one_trace(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch, json_log: io.StringIO
) -> None:
    pytest.importorskip("opentelemetry.sdk.trace", reason="opentelemetry-sdk is not installed")
    monkeypatch.setenv("TAILOR_OTEL_ENABLED", "true")
    try:
        with api_client(monkeypatch) as client:
            response = client.post("/v1/optimize", json=BODY, headers={"X-Request-ID": "traced-1"})
    finally:
        configure_tracing(False)
    assert response.status_code == 200, response.text
    lines = lines_of(json_log)
    spans = [e for e in lines if e["message"] == "span"]
    names = {s["span"] for s in spans}
    assert {"HTTP POST", "job", "agent jd_analyst", "agent writer", "agent fact_checker"} <= names
    [job_span] = [s for s in spans if s["span"] == "job"]
    agents = [s for s in spans if s["span"].startswith("agent ")]
    assert all(s["trace_id"] == job_span["trace_id"] and s["parent_id"] for s in agents)
    assert job_span["attributes"]["job_id"] == response.json()["job_id"]
    [done] = [e for e in lines if e["message"] == "job.succeeded"]
    assert done["trace_id"] == job_span["trace_id"]  # log lines inside a span name its trace
    [http] = [
        s for s in spans if s["span"] == "HTTP POST" and s["attributes"].get("request_id") == "traced-1"
    ]
    assert (
        http["attributes"]["http.route"] == "/v1/optimize" and http["attributes"]["http.status_code"] == 200
    )
