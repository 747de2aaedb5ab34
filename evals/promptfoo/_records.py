"""promptfoo's results as Tailor's case records: which tests were the dataset's cases, and their scores.

A test is a golden case when Tailor's provider says so (it resolved the vars to the case), or, when
the provider could not answer, when its vars are the case's as exported. Its record is the
provider's privacy-safe record with the scores promptfoo's assertions returned (Tailor's Score, as
carried in each assertion's metadata) and `usage`, computed with the `usage` scorer from what the
provider reported.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from app.errors import InputError
from evals.promptfoo._models import META_KEY, ExportInfo, PfOutput, PfResult, ProviderReport
from evals.runner import CaseRecord

if TYPE_CHECKING:
    from evals.datasets import Case, Dataset


def _report(result: PfResult) -> ProviderReport | None:
    from pydantic import ValidationError

    raw = (result.response.metadata if result.response else {}).get(META_KEY)
    try:
        return ProviderReport.model_validate(raw) if isinstance(raw, dict) else None
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise InputError(
            f"test {result.test_idx}: the response's `{META_KEY}` metadata is not Tailor's ({where})"
        ) from exc


def _scores(result: PfResult, scorers: list[str]) -> dict[str, dict[str, Any]]:
    """Tailor's Score per assertion: the one the assertion carried, else rebuilt from promptfoo's grade."""
    scores: dict[str, dict[str, Any]] = {}
    for part in result.grading.component_results if result.grading else []:
        name = part.assertion.metric if part.assertion else None
        if name not in scorers:
            continue
        carried = part.metadata.get("tailor_score")
        scores[name] = carried if isinstance(carried, dict) else {
            "name": name, "value": part.score, "passed": part.passed, "explanation": part.reason,
            "offenses": [], "details": {"from": "promptfoo's grade"}, "missing_reason": None,
        }  # fmt: skip
    return scores


def _usage_score(record: CaseRecord, case: Case) -> dict[str, Any]:
    from evals.scorers import Sample, catalogue

    sample = Sample(
        case=case, source=record.source, output={}, usage=record.usage, latency_ms=record.latency_ms
    )
    score = catalogue()["usage"].fn(sample)
    return dict(score.as_dict())


def _golden_case_id(result: PfResult, report: ProviderReport | None) -> str | None:
    """The golden case a test ran, when its vars were the case's as exported; else None."""
    if report is not None:
        return report.record.case_id if report.golden else None
    from evals.promptfoo._cases import resolve_case

    try:
        resolved = resolve_case(result.test_case.vars, result.test_case.metadata)
    except InputError:
        return None
    return resolved.case.id if resolved.golden else None


def records_of(
    output: PfOutput, info: ExportInfo, dataset: Dataset
) -> tuple[list[CaseRecord], list[str], set[str]]:
    """The dataset's cases as records; the tests that were not its cases; the code hashes seen."""
    cases = {c.id: c for c in dataset.cases}
    records: dict[str, CaseRecord] = {}
    skipped: list[str] = []
    codes: set[str] = set()
    for result in output.results.results:
        report = _report(result)
        case_id = _golden_case_id(result, report)
        if case_id is None or case_id not in cases:
            skipped.append(
                str(result.test_case.vars.get("case_id") or result.test_case.description or result.test_idx)
            )
        elif report is None or report.record.status != "ok":  # the provider could not tailor it
            error = result.response.error if result.response else None
            if not error and report is None:  # answered, but not by Tailor's provider: no record to keep
                error = f"not answered by Tailor's provider (promptfoo: {result.error or 'no error'})"
            error = error or result.error or "no answer"
            records[case_id] = CaseRecord(
                case_id=case_id,
                status="error",
                error=error.splitlines()[0][:300],
                tags=cases[case_id].tags,
                input_hash=cases[case_id].input_hash(),
                latency_ms=result.latency_ms,
                finished_at=time.time(),
            )
        else:
            codes.add(report.code_hash)
            record = report.record.model_copy(deep=True)
            record.scores = _scores(result, info.scorers)
            missing = [n for n in info.scorers if n not in record.scores]
            if missing:
                raise InputError(f"test {case_id} has no result for the assertion(s) {', '.join(missing)}")
            record.scores["usage"] = _usage_score(record, cases[case_id])
            records[case_id] = record
    return [records[c.id] for c in dataset.cases if c.id in records], skipped, codes


def failed_assertions(record: CaseRecord) -> list[str]:
    """The scorers that failed a case, or could not score it (usage is a measurement: never)."""
    return [
        name
        for name, score in record.scores.items()
        if name != "usage" and (score.get("passed") is False or score.get("value") is None)
    ]
