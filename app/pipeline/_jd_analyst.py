"""Agent 1, the JD analyst: must-have and nice-to-have requirements.

Rules extract them (headings, cue words, the skills lexicon). If the manifest gives this agent a
prompt, the model may propose more skills; a proposal is kept only if the JD states it word for
word, so the model can add recall but never invent a requirement.
"""

from __future__ import annotations

from app.grounding._normalize import contains_phrase, normalize_text
from app.grounding._requirements import MUST, NICE, Importance, Requirement, extract_requirements
from app.pipeline._context import RunContext

AGENT = "jd_analyst"
PROPOSAL_SCHEMA_KEY = "skills"


async def analyse_jd(ctx: RunContext) -> list[Requirement]:
    requirements = await _analyse(ctx)
    keep = ctx.options.jd_analyst.max_requirements  # a cap; the gate's lossy-analyst regression uses it
    return requirements[:keep] if keep is not None else requirements


async def _analyse(ctx: RunContext) -> list[Requirement]:
    requirements = extract_requirements(ctx.jd_text)
    if not ctx.uses_llm(AGENT):
        return requirements
    reply = await ctx.ask_json(AGENT, jd=ctx.jd_text)
    proposals = reply.get(PROPOSAL_SCHEMA_KEY, []) if reply else []
    known = {normalize_text(r.name) for r in requirements}
    limit = ctx.options.jd_analyst.max_proposals
    for item in proposals[:limit] if isinstance(proposals, list) else []:
        name = " ".join(str(item).split())
        if not (2 <= len(name) <= 40) or normalize_text(name) in known:
            continue
        line = next((ln for ln in ctx.jd_text.splitlines() if contains_phrase(ln, name)), None)
        if line is None:
            continue  # not in the JD: the model made it up
        importance: Importance = MUST
        if any(r.importance == NICE and r.source_line == line.strip() for r in requirements):
            importance = NICE
        requirements.append(Requirement(name, importance, line.strip()))
        known.add(normalize_text(name))
    return requirements
