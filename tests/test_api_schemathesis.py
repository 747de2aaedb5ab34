"""schemathesis against the app's own OpenAPI schema, on a real uvicorn server: for every operation,
examples that fit the schema (sent with an operator's key, so they get past authentication) and
examples that do not (with whatever credentials they carry). No answer may be a 5xx, and every answer
must match the schema: a documented status, its content type, its body schema and its headers.

Jobs are only queued here (no worker), and /v1/optimize's deadline is short, so the examples stay
fast; hypothesis is derandomized, keeps no database and caches under the test's tmp folder, so a run
is repeatable and leaves no files in the checkout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.settings import get_settings
from tests.fakes import ScriptedLLM
from tests.test_api_support import make_key, set_api_env, uvicorn_thread

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis not installed (a dev dependency)")
hypothesis = pytest.importorskip("hypothesis")

EXAMPLES = {"positive": 12, "negative": 8}


@pytest.fixture
def server(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from app.api import create_app

    set_api_env(monkeypatch, worker=False, sync_deadline_s=0.2, admin_token="schemathesis-admin")
    with uvicorn_thread(create_app(get_settings())) as url:
        yield url


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance,
            response_schema_conformance, response_headers_conformance]  # fmt: skip


def _explore(operation: Any, mode: str, server: str, headers: dict[str, str] | None) -> set[int]:
    """Run `EXAMPLES[mode]` examples of one operation with every check; the statuses it answered."""
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    statuses: set[int] = set()
    checks = _checks()

    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
    def run(case: Any) -> None:
        response = case.call(base_url=server, headers=headers, timeout=30)
        statuses.add(response.status_code)
        case.validate_response(response, checks=checks)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        assert mode == "negative", operation.label  # nothing to get wrong (GET /health)
    return statuses


def test_no_operation_answers_5xx_or_off_schema(server: str, tmp_path: Path) -> None:
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path / "hypothesis")  # its caches, not ./.hypothesis in the checkout
    operator = {"X-API-Key": make_key("operator", "schemathesis")}
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14, [op.label for op in operations]
    seen = {
        f"{operation.label} {mode}": _explore(operation, mode, server, operator if mode == "positive" else None)
        for operation in operations
        for mode in EXAMPLES
    }
    answered = {status for statuses in seen.values() for status in statuses}
    assert not any(status >= 500 for status in answered), seen
    assert {200, 401, 403, 404, 422} <= answered, seen  # past authentication, validation and lookups
