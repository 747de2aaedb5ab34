"""The pipeline's guarantees, on a scripted fake model that tries to fabricate."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest

from app.models import ModelClient
from app.pipeline import PrivacyError, tailor
from app.registry import open_registry
from app.settings import get_settings
from tests.conftest import FIXTURES, SAMPLES
from tests.fakes import ScriptedLLM

JD = (SAMPLES / "job.txt").read_text()


def _resume() -> dict[str, Any]:
    resume = json.loads((FIXTURES / "jsonresume" / "senior-engineer.resume.json").read_text())
    # A bullet that evidences a JD requirement, so the writer is called on it, and that carries
    # contact details inside free text, so pseudonymisation must work there too.
    resume["work"][0]["highlights"].append(
        "Built Python and PostgreSQL tooling; questions to lena.vasquez@example.com or (415) 555-0117"
    )
    resume["basics"]["summary"] += " Lena Vasquez writes Python and SQL daily."
    return resume


def _run(resume: dict[str, Any], pipeline_ref: str = "v2-strict", **overrides: Any) -> Any:
    settings = get_settings()
    pipeline = open_registry().resolve(pipeline_ref).with_model("fake/model")
    if overrides:
        agents = {n: a.model_copy(update=overrides.get(n, {})) for n, a in pipeline.agents.items()}
        pipeline = pipeline.model_copy(update={"agents": agents})
    return asyncio.run(
        tailor(resume, JD, pipeline, client=ModelClient(), prompts_root=settings.registry / "prompts")
    )


def _fabricate(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    if params.get("response_format"):
        return '{"skills": ["Rust", "Terraform"], "adds_fact": false}'
    return (
        "Senior Director at Google since 2005, PhD from MIT, email hacker@evil.example, phone 555-999-0000; "
        "led 500 engineers and grew revenue 900%"
    )


PROTECTED = [("work", k) for k in ("name", "position", "startDate", "endDate", "location", "url")] + [
    ("education", k) for k in ("institution", "area", "studyType", "startDate", "endDate")
]


@pytest.mark.parametrize("pipeline_ref", ["v1-loose", "v2-strict"])
def test_a_fabricating_model_cannot_change_protected_fields(fake_llm: ScriptedLLM, pipeline_ref: str) -> None:
    fake_llm.responder = _fabricate
    source = _resume()
    original = copy.deepcopy(source)
    result = _run(source, pipeline_ref)
    out = result.tailored_resume
    assert source == original, "the pipeline must not mutate its input"
    assert fake_llm.calls, "the writer must have been asked"
    assert out["basics"] == {**original["basics"], "summary": out["basics"]["summary"]}
    for section, key in PROTECTED:
        assert [e.get(key) for e in out[section]] == [e.get(key) for e in original[section]], (section, key)
    assert out["certificates"] == original["certificates"]
    text = json.dumps(out)
    for invented in ("Google", "MIT", "hacker@evil.example", "555-999-0000", "900%", "Senior Director"):
        assert invented not in text
    assert not any(s.requirement in ("Rust", "Terraform") for s in result.suggestions), "not in the JD"


def test_protection_holds_even_with_every_bullet_check_switched_off(fake_llm: ScriptedLLM) -> None:
    """Employers, titles, dates and contact details are protected by construction, not by the fact-checker."""
    fake_llm.responder = _fabricate
    original = _resume()
    result = _run(copy.deepcopy(original), fact_checker={"options": {"checks": []}})
    out = result.tailored_resume
    assert any(c.status == "accepted" for c in result.changes), "with no checks the junk is accepted..."
    assert out["basics"]["email"] == original["basics"]["email"]
    assert out["basics"]["phone"] == original["basics"]["phone"]
    for section, key in PROTECTED:
        assert [e.get(key) for e in out[section]] == [e.get(key) for e in original[section]]


def test_contact_details_reach_no_model_call_and_are_restored_byte_for_byte(fake_llm: ScriptedLLM) -> None:
    source = _resume()
    result = _run(source)  # the fake echoes what it is given
    sent = fake_llm.all_text_sent()
    basics = source["basics"]
    secrets = [
        basics["name"],
        "Lena",
        "Vasquez",
        basics["email"],
        basics["phone"],
        basics["url"],
        basics["location"]["address"],
        basics["location"]["postalCode"],
    ]
    secrets += [p["url"] for p in basics["profiles"]] + [p["username"] for p in basics["profiles"]]
    assert fake_llm.calls
    for secret in secrets:
        assert secret not in sent, f"{secret!r} reached the model"
    assert "[EMAIL_1]" in sent or "[PHONE_1]" in sent, (
        "the bullet with contact details was sent pseudonymised"
    )
    out = result.tailored_resume
    assert out["basics"] == {**basics, "summary": out["basics"]["summary"]}
    bullet = next(h for h in out["work"][0]["highlights"] if "PostgreSQL tooling" in h)
    assert "lena.vasquez@example.com" in bullet and "(415) 555-0117" in bullet
    assert "[EMAIL" not in json.dumps(out) and "[PHONE" not in json.dumps(out)


def test_the_guard_refuses_to_send_a_contact_detail(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.resume import ContactVault

    monkeypatch.setattr(ContactVault, "pseudonymise", lambda self, text: text)  # simulate a bug
    resume = _resume()
    with pytest.raises(PrivacyError):
        _run(resume)
    sent = fake_llm.all_text_sent()
    assert resume["basics"]["email"] not in sent and resume["basics"]["phone"] not in sent


def test_the_output_schema_and_suggestions(fake_llm: ScriptedLLM) -> None:
    result = _run(_resume())
    from app.resume import schema_errors

    assert schema_errors(result.tailored_resume) == []
    names = {s.requirement for s in result.suggestions if s.status == "needs evidence"}
    assert "Redis" in names and "Python" not in names
    text = json.dumps(result.tailored_resume)
    assert all(
        s.requirement not in text
        for s in result.suggestions
        if s.status == "needs evidence" and s.requirement not in json.dumps(_resume())
    )
    assert result.pipeline["hash"] and result.usage["calls"] == len(fake_llm.calls)
    assert set(result.steps_ms) == {"jd_analyst", "evidence_mapper", "writer", "fact_checker", "assemble"}


def test_relevant_bullets_move_up_and_nothing_is_lost(fake_llm: ScriptedLLM) -> None:
    source = _resume()
    result = _run(source)
    out_bullets = result.tailored_resume["work"][0]["highlights"]
    assert sorted(out_bullets) == sorted(source["work"][0]["highlights"])  # echoing model: same text
    assert "Python" in out_bullets[0], "the only bullet that evidences JD requirements comes first"


def test_each_agent_uses_its_registry_prompt(fake_llm: ScriptedLLM) -> None:
    _run(_resume())
    registry = open_registry()
    writer_system = registry.prompt("writer@v2").template_source("system").strip()
    summary_system = registry.prompt("summary_writer@v1").template_source("system").strip()
    systems = {call[0]["content"] for call in fake_llm.calls if call[0]["role"] == "system"}
    assert writer_system in systems and summary_system in systems
