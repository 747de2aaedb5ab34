"""Agents 3 and 4, the writers: one small rewriting task per call.

`writer` rewrites experience lines. With `scope: line` (the default) each call sees one line and
the requirement names that line already evidences; with `scope: section` one call rewrites all of
an entry's lines with the JD in context (the loose style the gate should catch).
`summary_writer` rewrites the summary toward the evidenced requirements. All text is pseudonymised.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.grounding import EvidenceMap
from app.pipeline._context import RunContext
from app.pipeline._options import WriterOptions
from app.pipeline._types import LineChange
from app.resume import REWRITABLE_SECTIONS

WRITER, SUMMARY_WRITER = "writer", "summary_writer"


def select_lines(resume: dict[str, Any], emap: EvidenceMap, options: WriterOptions) -> list[LineChange]:
    """The lines worth rewriting: highlights that evidence a requirement, heaviest first, capped."""
    candidates: list[tuple[int, int, LineChange]] = []
    order = 0
    for section in REWRITABLE_SECTIONS:
        for i, entry in enumerate(resume.get(section) or []):
            for j, text in enumerate(entry.get("highlights") or []):
                path = f"{section}[{i}].highlights[{j}]"
                terms = emap.terms_for(path)
                if isinstance(text, str) and text.strip() and (terms or not options.only_evidencing):
                    candidates.append(
                        (-emap.weight(path), order, LineChange(path=path, original=text, terms=terms))
                    )
                order += 1
    chosen = sorted(candidates, key=lambda c: (c[0], c[1]))[: options.max_lines]
    return [c[2] for c in sorted(chosen, key=lambda c: c[1])]


def _role(resume: dict[str, Any], path: str) -> str:
    section, _, rest = path.partition("[")
    entry = (resume.get(section) or [{}])[int(rest.split("]")[0])]
    return str(entry.get("position") or entry.get("name") or "")


async def write_lines(ctx: RunContext, resume: dict[str, Any], emap: EvidenceMap) -> list[LineChange]:
    if not ctx.uses_llm(WRITER):
        return []
    options = ctx.options.writer
    changes = select_lines(resume, emap, options)
    if options.scope == "section":
        await _write_sections(ctx, resume, changes)
        return changes
    gate = asyncio.Semaphore(options.parallel_calls)

    async def one(change: LineChange) -> None:
        async with gate:
            change.proposed = await ctx.ask(
                WRITER,
                line=ctx.vault.pseudonymise(change.original),
                terms=change.terms,
                role=ctx.vault.pseudonymise(_role(resume, change.path)),
                jd=ctx.jd_text,
            )

    await asyncio.gather(*(one(c) for c in changes))
    return changes


async def _write_sections(ctx: RunContext, resume: dict[str, Any], changes: list[LineChange]) -> None:
    by_entry: dict[str, list[LineChange]] = {}
    for change in changes:
        by_entry.setdefault(change.path.split(".highlights")[0], []).append(change)
    for entry_path, group in by_entry.items():
        reply = await ctx.ask(
            WRITER,
            lines=[ctx.vault.pseudonymise(c.original) for c in group],
            role=ctx.vault.pseudonymise(_role(resume, entry_path)),
            jd=ctx.jd_text,
            terms=sorted({t for c in group for t in c.terms}),
        )
        lines = [ln.strip().lstrip("-*•0123456789.) ").strip() for ln in reply.splitlines() if ln.strip()]
        for index, change in enumerate(group):
            if len(lines) == len(group):
                change.proposed = lines[index]
            else:
                change.proposed = ""
                change.reasons.append(f"section: the model returned {len(lines)} lines for {len(group)}")


async def write_summary(ctx: RunContext, resume: dict[str, Any], emap: EvidenceMap) -> LineChange | None:
    summary = (resume.get("basics") or {}).get("summary")
    if not ctx.uses_llm(SUMMARY_WRITER) or not isinstance(summary, str) or not summary.strip():
        return None
    # What the resume shows of each evidenced requirement: "Tableau", never "Tableau or Power BI".
    terms = emap.evidenced_terms()[: ctx.options.summary_writer.max_terms]
    change = LineChange(path="basics.summary", original=summary, terms=terms)
    change.proposed = await ctx.ask(
        SUMMARY_WRITER,
        summary=ctx.vault.pseudonymise(summary),
        terms=terms,
        title=ctx.vault.pseudonymise(str((resume.get("basics") or {}).get("label") or "")),
        jd=ctx.jd_text,
    )
    return change
