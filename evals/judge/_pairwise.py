"""Pairwise judging: which of two tailored resumes for the same case is better, asked in both orders.

The judge sees (A, B) and then (B, A). Verdicts that agree once mapped back to the candidates give
the winner; verdicts that disagree (e.g. "A" both times) mean the judge followed the position, so
the pair is a tie with `position_bias=True`. An order whose output never parses leaves the pair
unjudged (`winner=None`, with a reason), never a silent tie. Each order is asked once, at the
prompt's temperature (or the config's, when set); `n` applies to rubric scores only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.errors import InputError, TailorError
from app.models import ModelClient
from app.registry import Registry
from app.resume import ContactVault, load_resume_source, render_markdown
from evals.datasets import Case
from evals.judge._judge import REASON_MAX, JudgeConfig, ask_verdict
from evals.judge._texts import clip, contact_vault, merge_vault, sample_vault, tailored_text
from evals.runner import CaseRecord
from evals.scorers import Sample

Candidate = Literal["a", "b", "tie"]
_MAP: dict[str, dict[str, Candidate]] = {
    "ab": {"A": "a", "B": "b", "tie": "tie"},
    "ba": {"A": "b", "B": "a", "tie": "tie"},
}
_POINTS: dict[Candidate, float] = {"a": 1.0, "tie": 0.5, "b": 0.0}
NO_JD = "(job description not available)"


class PairVerdict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    winner: Literal["A", "B", "tie"]
    reason: str

    @field_validator("reason")
    @classmethod
    def _clip_reason(cls, value: str) -> str:
        return " ".join(value.split())[:REASON_MAX]


class OrderVerdict(BaseModel):
    order: Literal["ab", "ba"]  # "ab": candidate a was shown as A
    winner: Literal["A", "B", "tie"] | None  # the raw verdict; None when unparsable
    candidate: Candidate | None
    reason: str = ""
    attempts: int = 0


class PairwiseResult(BaseModel):
    case_id: str
    winner: Candidate | None  # None: not judged (see missing_reason)
    score: float | None  # for candidate a: 1 win, 0.5 tie, 0 loss
    position_bias: bool = False
    verdicts: list[OrderVerdict] = Field(default_factory=list)
    missing_reason: str | None = None


class RunComparison(BaseModel):
    compared: int  # cases judged in both orders
    wins_a: int
    wins_b: int
    ties: int  # including position-bias ties
    position_bias: int
    missing: int
    win_rate_a: float | None  # wins of a / compared
    score_a: float | None  # (wins + ties / 2) / compared
    only_in_a: list[str] = Field(default_factory=list)
    only_in_b: list[str] = Field(default_factory=list)
    results: list[PairwiseResult] = Field(default_factory=list)


async def _compare_texts(
    case_id: str,
    parts: Mapping[str, str],
    text_a: str,
    text_b: str,
    vault: ContactVault,
    config: JudgeConfig,
    client: ModelClient,
    registry: Registry,
) -> PairwiseResult:
    """`parts` holds jd and source, already pseudonymised and clipped; the texts are done here."""
    limit = config.effective_max_chars
    a, b = clip(vault.pseudonymise(text_a), limit), clip(vault.pseudonymise(text_b), limit)
    shown = {"ab": (a, b), "ba": (b, a)}
    single = config.model_copy(update={"n": 1})  # one sample per order: n applies to rubric scores only
    try:
        prompt = registry.prompt(config.pairwise)
        answers = await asyncio.gather(
            *(
                ask_verdict(
                    prompt,
                    {**parts, "a": x, "b": y},
                    PairVerdict,
                    config=single,
                    client=client,
                    vault=vault,
                    seed=config.seed,
                )
                for x, y in shown.values()
            )
        )
    except TailorError as exc:
        return PairwiseResult(
            case_id=case_id, winner=None, score=None, missing_reason=f"judge call failed: {exc}"
        )
    verdicts = [
        OrderVerdict(
            order=order,  # type: ignore[arg-type]
            winner=v.winner if v else None,
            candidate=_MAP[order][v.winner] if v else None,
            reason=v.reason if v else "",
            attempts=attempts,
        )
        for order, (v, attempts) in zip(shown, answers, strict=True)
    ]
    unparsed = [v for v in verdicts if v.candidate is None]
    if unparsed:
        reason = "; ".join(f"order {v.order} unparsable after {v.attempts} attempts" for v in unparsed)
        return PairwiseResult(
            case_id=case_id, winner=None, score=None, verdicts=verdicts, missing_reason=reason
        )
    first, second = verdicts[0].candidate, verdicts[1].candidate
    assert first is not None and second is not None
    winner: Candidate = first if first == second else "tie"
    return PairwiseResult(
        case_id=case_id,
        winner=winner,
        score=_POINTS[winner],
        position_bias=first != second,
        verdicts=verdicts,
    )


async def compare(
    sample_a: Sample, sample_b: Sample, config: JudgeConfig, client: ModelClient, registry: Registry
) -> PairwiseResult:
    """Two outputs for the same case, judged in both orders."""
    if sample_a.case.id != sample_b.case.id:
        raise InputError(
            f"pairwise needs two outputs for one case, got {sample_a.case.id} and {sample_b.case.id}"
        )
    vault = sample_vault(sample_a)
    merge_vault(vault, sample_vault(sample_b))
    limit = config.effective_max_chars
    parts = {
        "jd": clip(vault.pseudonymise(sample_a.case.job_description), limit),
        "source": clip(vault.pseudonymise(render_markdown(sample_a.source)), limit),
    }
    text_a, text_b = tailored_text(sample_a), tailored_text(sample_b)
    return await _compare_texts(sample_a.case.id, parts, text_a, text_b, vault, config, client, registry)


def _record_markdown(record: CaseRecord) -> str:
    markdown = record.output.get("markdown")
    if isinstance(markdown, str) and markdown.strip():
        return markdown
    resume = record.output.get("tailored_resume")
    return render_markdown(resume) if isinstance(resume, dict) else str(resume or "")


def _case_resume(case: Case | None) -> dict[str, Any]:
    if case is None:
        return {}
    if isinstance(case.resume, dict):
        return case.resume
    try:
        return load_resume_source(case.resume)
    except TailorError:
        return {}


async def compare_runs(
    records_a: Iterable[CaseRecord],
    records_b: Iterable[CaseRecord],
    config: JudgeConfig,
    client: ModelClient,
    registry: Registry,
    *,
    cases: Mapping[str, Case] | None = None,
    concurrency: int = 4,
) -> RunComparison:
    """Case by case on the tailored markdown of two runs; `cases` supplies each case's job description."""
    by_a = {r.case_id: r for r in records_a if r.status == "ok"}
    by_b = {r.case_id: r for r in records_b if r.status == "ok"}
    common = sorted(set(by_a) & set(by_b))
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case_id: str) -> PairwiseResult:
        ra, rb = by_a[case_id], by_b[case_id]
        case = (cases or {}).get(case_id)
        source = ra.source_markdown or (render_markdown(ra.source) if ra.source else "")
        text_a, text_b = _record_markdown(ra), _record_markdown(rb)
        jd = case.job_description if case else NO_JD
        raw = case.resume if case and isinstance(case.resume, str) else ""
        vault = contact_vault([_case_resume(case)], [jd, source, text_a, text_b, raw])
        limit = config.effective_max_chars
        parts = {"jd": clip(vault.pseudonymise(jd), limit), "source": clip(vault.pseudonymise(source), limit)}
        async with gate:
            return await _compare_texts(case_id, parts, text_a, text_b, vault, config, client, registry)

    results = list(await asyncio.gather(*(one(c) for c in common)))
    judged = [r for r in results if r.winner is not None]
    wins_a = sum(r.winner == "a" for r in judged)
    n = len(judged)
    return RunComparison(
        compared=n,
        wins_a=wins_a,
        wins_b=sum(r.winner == "b" for r in judged),
        ties=sum(r.winner == "tie" for r in judged),
        position_bias=sum(r.position_bias for r in judged),
        missing=len(results) - n,
        win_rate_a=wins_a / n if n else None,
        score_a=sum(r.score or 0.0 for r in judged) / n if n else None,
        only_in_a=sorted(set(by_a) - set(by_b)),
        only_in_b=sorted(set(by_b) - set(by_a)),
        results=results,
    )
