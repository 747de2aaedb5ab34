"""`tailor eval`: run a pipeline version over a dataset, score every case, record everything.

Cases run concurrently under a semaphore; each finished case is appended to the results folder
at once, so a killed run resumes where it stopped, and with the LLM cache an unchanged re-run
makes no model call. The folder is keyed by (pipeline hash, dataset hash, scorer set, judge).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import InputError, TailorError
from app.hashing import code_hash, sha256_json, short
from app.models import ModelClient, ResponseCache, cache_location
from app.registry import Pipeline
from app.settings import TailorSettings
from evals.datasets import Case, Dataset
from evals.runner._records import RUN_FILE, CaseRecord, ResultsWriter, read_records
from evals.runner._run_files import (
    AgentIdentity,
    DatasetIdentity,
    JudgeInfo,
    PipelineIdentity,
    RunMeta,
    read_run_meta,
    write_run_meta,
    write_summary,
)
from evals.runner._solve import Solved, make_solver, privacy_safe_record
from evals.runner._summary import summarise
from evals.scorers import Sample, score_sample

if TYPE_CHECKING:
    from app.state import StateStore

Solver = Callable[[Case, ModelClient], Awaitable[Solved]]
Progress = Callable[[CaseRecord], None]


@dataclass
class EvalPlan:
    pipeline: Pipeline
    dataset: Dataset
    scorers: list[str]
    concurrency: int = 4
    use_cache: bool = True
    out_dir: Path | None = None
    judge: JudgeInfo | None = None  # when a judge model scores
    scorer_kwargs: dict[str, Any] = field(default_factory=dict)  # model scorers' client/config
    solver: Solver | None = None  # a callable of the caller's (local backend only); else solver_name's
    solver_name: str = "tailoring"  # a solver every backend can build by name (SOLVERS)
    code: str = ""  # content hash of app/ and evals/; run_eval fills it in
    only: set[str] | None = None  # run just these case ids this time (a sequential gate's batch)

    def config_hash(self) -> str:
        identity: dict[str, Any] = {
            "code": self.code,
            "pipeline": self.pipeline.hash,
            "dataset": self.dataset.content_hash,
            "scorers": sorted(self.scorers),
            "judge": self.judge.version if self.judge else None,
        }
        if self.solver_name != "tailoring":  # the default is left out: run keys stay what they were
            identity["solver"] = self.solver_name
        return sha256_json(identity)

    def run_dir(self, settings: TailorSettings) -> Path:
        if self.out_dir is not None:
            return self.out_dir
        split = self.dataset.split or "all"
        name = f"{self.pipeline.label}-{self.dataset.name}-{split}-{short(self.config_hash(), 10)}"
        return settings.data / "runs" / name.replace("/", "_").replace("+", "_")


def git_commit(root: Path) -> str | None:
    head = root / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if ref.startswith("ref: "):
            ref_file = root / ".git" / ref[5:]
            if ref_file.exists():
                return ref_file.read_text().strip()
            packed = (root / ".git" / "packed-refs").read_text().splitlines()
            return next((line.split()[0] for line in packed if line.endswith(ref[5:])), None)
        return ref or None
    except OSError:
        return None


def _run_meta(plan: EvalPlan, settings: TailorSettings) -> RunMeta:
    pipeline, dataset = plan.pipeline, plan.dataset
    return RunMeta(
        config_hash=plan.config_hash(),
        pipeline=PipelineIdentity(
            label=pipeline.label,
            hash=pipeline.hash,
            agents={
                name: AgentIdentity(
                    prompt_ref=agent.prompt_ref,
                    prompt_hash=agent.prompt_hash,
                    model=agent.model,
                    params=agent.params,
                    options=agent.options,
                )
                for name, agent in pipeline.agents.items()
            },
        ),
        dataset=DatasetIdentity(
            name=dataset.name,
            version=dataset.manifest.version,
            split=dataset.split,
            hash=dataset.content_hash,
            cases=len(dataset.cases),
        ),
        scorers=plan.scorers,
        judge=plan.judge,
        git_commit=git_commit(settings.home),
        code_hash=plan.code,
        started_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        concurrency=plan.concurrency,
        cache=plan.use_cache,
    )


def prepare_run_dir(plan: EvalPlan, settings: TailorSettings) -> tuple[Path, RunMeta]:
    folder = plan.run_dir(settings)
    if (folder / RUN_FILE).exists():
        meta = read_run_meta(folder)
        if meta.config_hash != plan.config_hash():
            raise InputError(f"{folder} holds a different evaluation; choose another --out")
        return folder, meta
    meta = _run_meta(plan, settings)
    folder.mkdir(parents=True, exist_ok=True)
    write_run_meta(folder, meta)
    return folder, meta


async def _evaluate_case(
    scorers: list[str], case: Case, client: ModelClient, solver: Solver, scorer_kwargs: dict[str, Any]
) -> CaseRecord:
    started = time.perf_counter()
    try:
        solved = await solver(case, client)
        sample = Sample(
            case=case,
            source=solved.source,
            output=solved.tailored_resume,
            suggestions=solved.suggestions,
            markdown=solved.markdown,
            usage=solved.usage,
            latency_ms=solved.latency_ms,
        )
        scores = await score_sample(sample, scorers, **scorer_kwargs)
    except TailorError as exc:
        return CaseRecord(
            case_id=case.id,
            status="error",
            error=str(exc),
            tags=case.tags,
            input_hash=case.input_hash(),
            latency_ms=(time.perf_counter() - started) * 1000,
            finished_at=time.time(),
        )
    return privacy_safe_record(case, solved, scores)


async def evaluate_one(
    case: Case,
    *,
    solver: Solver,
    scorers: list[str],
    scorer_kwargs: dict[str, Any],
    cache: ResponseCache | None,
    settings: TailorSettings,
) -> CaseRecord:
    """One case, solved and scored, with its model calls (and a judge's, apart) counted: what every
    backend records for a case (the local runner here, a Celery worker in evals.distributed)."""
    client = ModelClient(cache=cache, retries=settings.max_retries, timeout_s=settings.request_timeout_s)
    kwargs = dict(scorer_kwargs)
    judge_client = None
    if "config" in kwargs:  # model scorers get their own client: their usage is theirs
        judge_client = ModelClient(cache=cache, retries=settings.max_retries, timeout_s=settings.request_timeout_s)
        kwargs["client"] = judge_client
    record = await _evaluate_case(scorers, case, client, solver, kwargs)
    record.usage.setdefault("model_calls", client.model_calls)
    if judge_client is not None:
        totals = judge_client.meter.summary()
        record.usage["judge"] = {k: v for k, v in totals.items() if k != "per_agent"}
    return record


async def run_eval(plan: EvalPlan, settings: TailorSettings, *, progress: Progress | None = None) -> Path:
    """Run (or resume) the evaluation; returns the results folder with summary.json written."""
    if not plan.code:
        plan.code = code_hash(settings.code_root)
    folder, meta = prepare_run_dir(plan, settings)
    writer = ResultsWriter(folder)
    done = writer.finished_ids()
    pending = [
        c for c in plan.dataset.cases if c.id not in done and (plan.only is None or c.id in plan.only)
    ]
    index = RunIndex(plan, settings, folder)
    index.started(len(done))
    cache = ResponseCache(cache_location(settings)) if plan.use_cache else None
    solver = plan.solver or make_solver(plan.solver_name, plan.pipeline, settings)
    gate = asyncio.Semaphore(max(1, plan.concurrency))

    async def one(case: Case) -> None:
        async with gate:
            record = await evaluate_one(
                case, solver=solver, scorers=plan.scorers, scorer_kwargs=plan.scorer_kwargs,
                cache=cache, settings=settings,
            )  # fmt: skip
            writer.append(record)
            if progress is not None:
                progress(record)

    try:
        await asyncio.gather(*(one(c) for c in pending))
    finally:
        writer.close()
        if cache is not None:
            cache.close()
    records = read_records(writer.path)
    write_summary(folder, summarise(records, meta))
    index.ended(records)
    return folder


class RunIndex:
    """The run's entry in the state store's run index: `running` while cases are missing, `finished`
    only once every case of the dataset has an ok record, `failed` when all ran but some errored."""

    def __init__(self, plan: EvalPlan, settings: TailorSettings, folder: Path) -> None:
        from app.state import open_state

        self._store = open_state(settings.state)
        self._plan = plan
        self._folder = folder

    @property
    def store(self) -> StateStore:
        return self._store

    def started(self, done: int, *, backend: str = "local") -> None:
        from app.state import RunEntry

        plan = self._plan
        split = f":{plan.dataset.split}" if plan.dataset.split else ""
        self._store.register_run(
            RunEntry(
                run_key=plan.config_hash(),
                pipeline_hash=plan.pipeline.hash,
                pipeline_label=plan.pipeline.label,
                dataset_ref=f"{plan.dataset.name}{split}",
                dataset_hash=plan.dataset.content_hash,
                scorers=sorted(plan.scorers),
                judge_version=plan.judge.version if plan.judge else None,
                code_hash=plan.code,
                folder=str(self._folder),
                status="running",
                cases_total=len(plan.dataset.cases),
                cases_done=done,
                started_at=time.time(),
                backend=backend,
            )
        )

    def ended(self, records: list[CaseRecord]) -> None:
        wanted = {c.id for c in self._plan.dataset.cases}
        ok = {r.case_id for r in records if r.status == "ok"} & wanted
        seen = {r.case_id for r in records} & wanted
        status = "finished" if ok == wanted else ("failed" if seen == wanted else "running")
        self._store.update_run(self._plan.config_hash(), status=status, cases_done=len(ok))
