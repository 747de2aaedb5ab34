"""The crew, as a CrewAI Flow: five agents in order, each one small, checkable step.

    jd_analyst -> evidence_mapper -> writer + summary_writer -> fact_checker -> assemble

A Flow (not a ReAct `Crew`) because the 135M local model cannot follow CrewAI's long agent
prompts; each agent here makes at most one short model call per item, from its registry prompt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from crewai.flow.flow import Flow, listen, start
from pydantic import PrivateAttr

from app.grounding import EvidenceMap, Requirement, line_grounds, map_evidence
from app.pipeline._assemble import apply_changes, injection_warnings, protect, reorder, suggestions
from app.pipeline._context import RunContext
from app.pipeline._fact_checker import check_changes
from app.pipeline._jd_analyst import analyse_jd
from app.pipeline._options import EvidenceMethod, WriterOptions
from app.pipeline._types import LineChange, RequirementView, TailorState
from app.pipeline._writer import write_lines, write_summary

# An agent's TailorError reaches the user as one line; crewai's own ERROR log of it would be a second.
logging.getLogger("crewai.flow.runtime").setLevel(logging.CRITICAL)

# The evidence mapper's `method` option: "lexical" states it; "grounded" also names a kind of it
# (the grounding service's is-a reading: GitHub Actions evidences CI/CD).
EVIDENCE_METHODS: dict[EvidenceMethod, Callable[[dict[str, Any], list[Requirement]], EvidenceMap]] = {
    "lexical": map_evidence,
    "grounded": partial(map_evidence, matcher=line_grounds),
}


class TailorFlow(Flow[TailorState]):
    suppress_flow_events: bool = True
    _ctx: Any = PrivateAttr(default=None)
    _source: dict[str, Any] = PrivateAttr(default_factory=dict)
    _requirements: list[Requirement] = PrivateAttr(default_factory=list)
    _emap: EvidenceMap | None = PrivateAttr(default=None)

    def bind(self, ctx: RunContext, source: dict[str, Any]) -> TailorFlow:
        self._ctx = ctx
        self._source = source
        return self

    @contextmanager
    def _timed(self, agent: str, **attributes: Any) -> Iterator[None]:
        started = time.perf_counter()
        with self._ctx.step(agent, **attributes):
            yield
        self.state.steps_ms[agent] = round((time.perf_counter() - started) * 1000, 3)

    @start()
    async def jd_analyst(self) -> None:
        with self._timed("jd_analyst"):
            self._requirements = await analyse_jd(self._ctx)

    @listen(jd_analyst)
    async def evidence_mapper(self) -> None:
        with self._timed("evidence_mapper", requirements=len(self._requirements)):
            method: EvidenceMethod = self._ctx.options.evidence_mapper.method
            self._emap = EVIDENCE_METHODS[method](self._source, self._requirements)
            self.state.requirements = [
                RequirementView(
                    name=r.name,
                    importance=r.importance,
                    evidenced=bool(self._emap.where.get(r.name)),
                    where=self._emap.where.get(r.name, []),
                )
                for r in self._requirements
            ]

    @listen(evidence_mapper)
    async def writer(self) -> None:
        assert self._emap is not None
        with self._timed("writer"):
            changes: list[LineChange] = await write_lines(self._ctx, self._source, self._emap)
            summary = await write_summary(self._ctx, self._source, self._emap)
            self.state.changes = ([summary] if summary else []) + changes

    @listen(writer)
    async def fact_checker(self) -> None:
        with self._timed("fact_checker", lines=len(self.state.changes)):
            await check_changes(self._ctx, self.state.changes)

    @listen(fact_checker)
    async def assemble(self) -> None:
        assert self._emap is not None
        with self._timed("assemble"):
            options: WriterOptions = self._ctx.options.writer
            draft = apply_changes(self._source, self.state.changes)
            reorder(
                draft,
                self._emap,
                bullets=options.reorder_bullets,
                skills=options.reorder_skills,
                jd_text=self._ctx.jd_text,
            )
            accepted = {c.final for c in self.state.changes if c.status == "accepted"}
            self.state.tailored = protect(self._source, draft, accepted)
            self.state.suggestions = suggestions(self._emap) + injection_warnings(self._source)
