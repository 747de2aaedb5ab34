"""Tailor's scorers as promptfoo assertions: `type: python`, `value: file://…/_assertions.py:<scorer>`.

One function per scorer an export may name (the deterministic scorers, and semantic_similarity),
each `(output, context) -> {"pass", "score", "reason", "metadata"}`. The reason names the scorer
and every offending span; the metadata holds the Score as Tailor records it, so an import rebuilds
exactly what `tailor eval` would have written.

What is graded: the case the test stands for (`_cases.resolve_case`: a golden case from Tailor's
dataset, or the vars as they stand) against the provider's output. When the output is what
Tailor's provider returned, its JSON Resume (in the response metadata) is graded; any other output
(another provider's, a transformed one) is read as a resume, JSON or text, as `tailor score` does.
For a golden case, tokens are restored to the case's contact details before scoring and the
result is pseudonymised again, so the scores are those of `tailor eval` on the same output.

promptfoo runs each assertion in a fresh Python process: this file imports only absolute names.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.errors import TailorError

ASSERTION_SCORERS = (
    "structure",
    "jd_coverage",
    "fabrication",
    "narrative",
    "length_and_style",
    "semantic_similarity",
)
MAX_SPANS = 12  # offending spans named in a reason; the metadata keeps them all


def grade(name: str, output: Any, context: dict[str, Any]) -> dict[str, Any]:
    """Score promptfoo's `output` for the test in `context` with Tailor's scorer `name`."""
    from app.environment import apply_quiet_environment

    apply_quiet_environment()
    try:
        score = _score(name, output, context)
    except TailorError as exc:
        return {"pass": False, "score": 0.0, "reason": f"{name}: cannot grade: {exc}"}
    return as_grading_result(score)


def as_grading_result(score: dict[str, Any]) -> dict[str, Any]:
    """promptfoo's GradingResult for a Tailor Score (as_dict): a missing value fails, with its reason,
    since promptfoo has no third state and an unmeasured check must not pass silently."""
    name, value, passed = score["name"], score.get("value"), score.get("passed")
    ok = bool(passed) if passed is not None else value is not None
    verdict = "passed" if ok else ("missing" if value is None else "FAILED")
    head = f"{name} {verdict}" + (f" ({value:.3f})" if value is not None else "")
    reason = f"{head}: {score.get('explanation') or ''}".rstrip(": ")
    offenses = score.get("offenses") or []
    if offenses:
        spans = "; ".join(_offense(o) for o in offenses[:MAX_SPANS])
        more = f" (+{len(offenses) - MAX_SPANS} more)" if len(offenses) > MAX_SPANS else ""
        reason += f" | offending: {spans}{more}"
    return {"pass": ok, "score": float(value or 0.0), "reason": reason, "metadata": {"tailor_score": score}}


def _offense(offense: dict[str, Any]) -> str:
    text = f"{offense.get('kind', '')} «{offense.get('span', '')}»"
    if offense.get("detail"):
        text += f" ({offense['detail']})"
    if offense.get("path"):
        text += f" at {offense['path']}"
    return text


def _score(name: str, output: Any, context: dict[str, Any]) -> dict[str, Any]:
    from app.errors import InputError
    from evals.promptfoo._cases import pseudonymised, resolve_case, restored
    from evals.promptfoo._models import META_KEY, ProviderReport
    from evals.scorers import Sample, score_sample

    if name not in ASSERTION_SCORERS:
        raise InputError(f"no promptfoo assertion for scorer {name}; known: {', '.join(ASSERTION_SCORERS)}")
    test = context.get("test") or {}
    resolved = resolve_case(context.get("vars") or {}, test.get("metadata"))
    text = output if isinstance(output, str) else _json(output)
    raw = (context.get("metadata") or {}).get(META_KEY)
    report = ProviderReport.model_validate(raw) if isinstance(raw, dict) else None
    if report is not None and report.record.status == "ok" and report.record.output.get("markdown") == text:
        record = report.record
        tailored, suggestions = (
            record.output.get("tailored_resume") or {},
            record.output.get("suggestions") or [],
        )
        usage, latency = record.usage, record.latency_ms
    else:  # another provider's output, or one transformed after the provider: read it as a resume
        tailored, suggestions, usage, latency = _read_output(text, resolved.source), [], {}, None
    vault = resolved.vault()
    if vault is not None:  # a golden case: its tokens back to the contact details it was run with
        tailored, suggestions, text = (
            restored(tailored, vault),
            restored(suggestions, vault),
            vault.restore(text),
        )
    sample = Sample(
        case=resolved.case,
        source=resolved.source,
        output=tailored,
        suggestions=suggestions,
        markdown=text,
        usage=usage,
        latency_ms=latency,
    )
    score = asyncio.run(score_sample(sample, [name]))[name].as_dict()
    return pseudonymised(score, vault) if vault is not None else score


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _read_output(text: str, source: dict[str, Any]) -> dict[str, Any]:
    """An output as a JSON Resume, as `tailor score --output` reads one (InputError if it is none)."""
    import json

    from app.errors import InputError
    from app.grounding import spell_like_source
    from app.resume import load_resume_source, resume_text, validate_resume

    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"the output looks like JSON but is not ({str(exc)[:120]})") from exc
        if isinstance(data, dict) and isinstance(data.get("tailored_resume"), dict):
            return validate_resume(data["tailored_resume"])
        return load_resume_source(text)
    return load_resume_source(spell_like_source(text, resume_text(source)))


# -- the assertions an export names ---------------------------------------------------------------
def structure(output: Any, context: dict[str, Any]) -> dict[str, Any]:
    return grade("structure", output, context)


def jd_coverage(output: Any, context: dict[str, Any]) -> dict[str, Any]:
    return grade("jd_coverage", output, context)


def fabrication(output: Any, context: dict[str, Any]) -> dict[str, Any]:
    return grade("fabrication", output, context)


def narrative(output: Any, context: dict[str, Any]) -> dict[str, Any]:
    return grade("narrative", output, context)


def length_and_style(output: Any, context: dict[str, Any]) -> dict[str, Any]:
    return grade("length_and_style", output, context)


def semantic_similarity(output: Any, context: dict[str, Any]) -> dict[str, Any]:
    return grade("semantic_similarity", output, context)
