"""`tailor gate`: evaluate a candidate and a baseline on the same cases and decide, under a policy.

A finished baseline (or candidate) run with the same pipeline, dataset and code hashes is found in
the run index and reused; whatever is missing is evaluated (the response cache keeps a repeat
cheap). The verdict is bound to the five hashes it judged (candidate, baseline, dataset, policy,
code), stored in the state store, written as verdict.json, report.md and report.html, and tagged
on the candidate's MLflow run. Nothing here prints: `GateProgress` callbacks tell the caller.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.settings import get_settings
from evals.gate._models import PairwiseSummary, Verdict, VerdictKey
from evals.scorers import default_scorers

if TYPE_CHECKING:
    from evals.datasets import Dataset
    from evals.gate._policy import GatePolicy
    from evals.gate._report import GateReportPaths
    from evals.harness import EvalOutcome, EvalRequest
    from evals.runner import CaseRecord, EvalPlan

# The plain default scorers, derived from the scorer catalogue (docs/scorers.md). A run's key hashes
# its scorer set, so a change here makes every earlier run unreusable.
GATE_SCORERS = default_scorers()
POLICY_FILE = Path("ci") / "gate_policy.yaml"


@dataclass
class GateRequest:
    candidate: str
    baseline: str = "production"
    dataset: str = "golden:core"
    policy: Path | None = None  # default: <home>/ci/gate_policy.yaml
    sequential: bool = False
    model: str | None = None  # run both on this model (e.g. a hosted one in CI)
    judge_model: str | None = None  # adds the judge rubrics (advisory unless calibrated and trusted)
    similarity: bool = True  # semantic_similarity (loads MiniLM once, about 10 s)
    pairwise: bool = True  # with a judge model: candidate against baseline, both orders (advisory)
    concurrency: int = 4
    use_cache: bool = True
    track: bool = True
    out: Path | None = None
    backend: str = "local"  # or "celery": both sides' cases run on Celery workers


@dataclass
class GateProgress:
    """Callbacks for a caller that shows progress: each finished case, and each sequential look."""

    on_case: Callable[[str, CaseRecord], None] | None = None  # ("baseline"|"candidate", record)
    on_look: Callable[[int, int, Verdict], None] | None = None  # (look, cases so far, interim verdict)


@dataclass
class GateOutcome:
    verdict: Verdict
    verdict_id: int
    folder: Path
    reports: GateReportPaths
    baseline: EvalOutcome
    candidate: EvalOutcome
    model_calls: dict[str, int] = field(default_factory=dict)
    case_ids: list[str] = field(default_factory=list)  # the cases the verdict compared, in look order


def default_policy_path() -> Path:
    return get_settings().home / POLICY_FILE


def gate_scorers(request: GateRequest) -> list[str]:
    """The default scorers; with `similarity`, those needing an optional package (semantic_similarity);
    with a judge model, those needing one (the judge). The Ragas LLM metrics are not gated."""
    return list(default_scorers(optional=request.similarity, judge=bool(request.judge_model)))


def _eval_request(request: GateRequest, pipeline: str) -> EvalRequest:
    from evals.harness import EvalRequest

    return EvalRequest(
        pipeline=pipeline,
        dataset=request.dataset,
        concurrency=request.concurrency,
        judge_model=request.judge_model,
        scorers=gate_scorers(request),
        model=request.model,
        use_cache=request.use_cache,
        track=request.track,
        backend=request.backend,
    )


def _reuse_finished(plan: EvalPlan) -> EvalOutcome | None:
    """A finished run of the same pipeline, dataset and code that scored at least these scorers."""
    from app.state import open_state
    from evals.harness import EvalOutcome
    from evals.runner import SUMMARY_FILE, read_summary

    runs = open_state(get_settings().state).find_runs(
        pipeline_hash=plan.pipeline.hash, dataset_hash=plan.dataset.content_hash, code_hash=plan.code
    )
    wanted = set(plan.scorers)
    for run in runs:
        folder = Path(run.folder)
        if wanted <= set(run.scorers) and (folder / SUMMARY_FILE).is_file():
            return EvalOutcome(
                summary=read_summary(folder),
                folder=folder,
                run_key=run.run_key,
                pipeline=plan.pipeline,
                dataset=plan.dataset,
                finished=True,
                mlflow_run_id=run.mlflow_run_id,
                reused=True,
            )
    return None


def _records(folder: Path, ids: list[str], scorers: list[str] | None = None) -> list[CaseRecord]:
    """The records of `ids`; with `scorers`, only their scores (a reused run may have scored more)."""
    from evals.runner import read_records

    wanted = set(ids)
    records = [r for r in read_records(folder / "cases.jsonl") if r.case_id in wanted]
    if scorers is None:
        return records
    keep = lambda name: name in scorers or ("judge" in scorers and name.startswith("judge_"))  # noqa: E731
    return [r.model_copy(update={"scores": {k: v for k, v in r.scores.items() if keep(k)}}) for r in records]


def judge_trusted(plan: EvalPlan, policy: GatePolicy) -> bool:
    """A judge counts only when calibrated with every rubric's kappa at the policy's minimum: the
    rule the CLI table and the report apply too (evals.report.distrust_reason)."""
    from evals.report import distrust_reason

    return not distrust_reason(plan.judge, policy.min_judge_kappa)


async def _evaluate(
    request: EvalRequest, plan: EvalPlan, only: set[str] | None, side: str, progress: GateProgress
) -> EvalOutcome:
    from evals.harness import evaluate

    hook = progress.on_case
    on_case = (lambda record: hook(side, record)) if hook else None
    return await evaluate(request, plan=plan, only=only, on_case=on_case)


async def run_gate(request: GateRequest, progress: GateProgress | None = None) -> GateOutcome:
    """Evaluate what is missing, decide, store and report the verdict. Prints nothing."""
    from evals.gate._decide import decide
    from evals.gate._policy import load_policy
    from evals.gate._sequential import is_settled, look_schedule
    from evals.harness import plan_evaluation

    progress = progress or GateProgress()
    settings = get_settings()
    policy = load_policy(request.policy or default_policy_path())
    base_request, cand_request = (
        _eval_request(request, request.baseline),
        _eval_request(request, request.candidate),
    )
    base_plan, cand_plan = plan_evaluation(base_request), plan_evaluation(cand_request)
    dataset = cand_plan.dataset
    key = VerdictKey(
        candidate_hash=cand_plan.pipeline.hash,
        baseline_hash=base_plan.pipeline.hash,
        dataset_hash=dataset.content_hash,
        policy_hash=policy.hash(),
        code_hash=cand_plan.code,
    )
    order = [c.id for c in dataset.cases]
    schedule = [len(order)]
    if request.sequential:
        random.Random(policy.seed).shuffle(order)  # a fixed random order: looks are reproducible
        schedule = look_schedule(len(order), policy.sequential.batch_size, policy.sequential.max_looks)
    reused = {
        side: _reuse_finished(plan) for side, plan in (("baseline", base_plan), ("candidate", cand_plan))
    }
    trusted = judge_trusted(cand_plan, policy) and judge_trusted(base_plan, policy)
    verdict: Verdict | None = None
    outcomes: dict[str, EvalOutcome] = {}
    for look, upto in enumerate(schedule, start=1):
        only = set(order[:upto])
        for side, req, plan in (
            ("baseline", base_request, base_plan),
            ("candidate", cand_request, cand_plan),
        ):
            found = reused[side]
            subset = None if upto == len(order) else only
            outcomes[side] = found or await _evaluate(req, plan, subset, side, progress)
        records = {
            side: _records(outcomes[side].folder, order[:upto], cand_plan.scorers) for side in outcomes
        }
        verdict = _decide(decide, records, policy, key, cand_plan, base_plan, trusted, look, schedule)
        final = look == len(schedule) or is_settled(verdict)
        if final and request.judge_model and request.pairwise:  # judged once, on the cases used
            pairwise = await _pairwise(request, records, dataset)
            verdict = _decide(
                decide, records, policy, key, cand_plan, base_plan, trusted, look, schedule, pairwise
            )
        if progress.on_look is not None:
            progress.on_look(look, upto, verdict)
        if look < len(schedule) and is_settled(verdict):
            break
    assert verdict is not None
    return _conclude(verdict, outcomes, request, settings.state, order[:upto])


def _decide(
    decide: Callable[..., Verdict],
    records: dict[str, list[CaseRecord]],
    policy: GatePolicy,
    key: VerdictKey,
    cand_plan: EvalPlan,
    base_plan: EvalPlan,
    trusted: bool,
    look: int,
    schedule: list[int],
    pairwise: PairwiseSummary | None = None,
) -> Verdict:
    return decide(
        records["baseline"],
        records["candidate"],
        policy,
        key=key,
        candidate_label=cand_plan.pipeline.label,
        baseline_label=base_plan.pipeline.label,
        dataset_ref=cand_plan.dataset.ref,
        cases_total=len(cand_plan.dataset.cases),
        judge_trusted=trusted,
        look=look,
        max_looks=len(schedule),
        pairwise=pairwise,
    )


async def _pairwise(
    request: GateRequest, records: dict[str, list[CaseRecord]], dataset: Dataset
) -> PairwiseSummary | None:
    """The judge compares candidate and baseline outputs case by case, in both orders."""
    from app.registry import open_registry
    from app.services import make_client
    from evals.gate._metrics import pairwise_from_results
    from evals.judge import JudgeConfig, compare_runs

    assert request.judge_model is not None
    config = JudgeConfig(model=request.judge_model)
    client = make_client(use_cache=request.use_cache)
    cases = {c.id: c for c in dataset.cases}
    comparison = await compare_runs(
        records["candidate"],
        records["baseline"],
        config,
        client,
        open_registry(),
        cases=cases,
        concurrency=request.concurrency,
    )
    return pairwise_from_results(comparison.results, candidate_side="a")


def _conclude(
    verdict: Verdict, outcomes: dict[str, EvalOutcome], request: GateRequest, state_url: str, used: list[str]
) -> GateOutcome:
    from app.state import VerdictEntry, open_state
    from evals.gate._report import write_gate_reports

    base, cand = outcomes["baseline"], outcomes["candidate"]
    folder = request.out or _default_folder(verdict)
    verdict = verdict.model_copy(
        update={
            "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "candidate_run": str(cand.folder),
            "baseline_run": str(base.folder),
            "mlflow_run_id": cand.mlflow_run_id,
        }
    )
    reports = write_gate_reports(folder, verdict, _records(base.folder, used), _records(cand.folder, used))
    entry = open_state(state_url).record_verdict(
        VerdictEntry(
            candidate_hash=verdict.key.candidate_hash,
            baseline_hash=verdict.key.baseline_hash,
            dataset_hash=verdict.key.dataset_hash,
            policy_hash=verdict.key.policy_hash,
            code_hash=verdict.key.code_hash,
            passed=verdict.passed,
            verdict_json=verdict.model_dump_json(),
            folder=str(folder),
        )
    )
    if cand.mlflow_run_id:
        _tag_mlflow(cand.mlflow_run_id, verdict, entry.id)
    calls = {  # what this gate cost: nothing for a reused run
        side: 0 if outcome.reused else outcome.summary.usage.cache_misses
        for side, outcome in outcomes.items()
    }
    return GateOutcome(verdict, entry.id, folder, reports, base, cand, calls, used)


def _default_folder(verdict: Verdict) -> Path:
    from app.hashing import sha256_json, short

    key = short(sha256_json(verdict.key.model_dump()), 10)
    name = f"{verdict.candidate_label}-vs-{verdict.baseline_label}-{verdict.dataset_ref}-{key}"
    return get_settings().data / "gates" / name.replace(":", "-").replace("/", "_")


def _tag_mlflow(run_id: str, verdict: Verdict, verdict_id: int) -> None:
    from evals.tracking import mlflow_client

    client = mlflow_client(get_settings().tracking)
    tags: dict[str, Any] = {
        "tailor.gate.verdict": "pass" if verdict.passed else "fail",
        "tailor.gate.verdict_id": verdict_id,
        "tailor.gate.baseline": f"{verdict.baseline_label} {verdict.key.baseline_hash[:12]}",
        "tailor.gate.policy_hash": verdict.key.policy_hash,
        "tailor.gate.cases_used": verdict.cases_used,
        "tailor.gate.blocking": "; ".join(verdict.blocking_reasons)[:4000] or "none",
    }
    for name, value in tags.items():
        client.set_tag(run_id, name, str(value))
