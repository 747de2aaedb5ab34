"""Agent 1, the JD analyst: must-have and nice-to-have requirements.

Rules extract them (headings, cue words, the skills lexicon). If the manifest gives this agent a
prompt, the model may propose more skills; a proposal is kept only if the JD states it word for
word, so the model can add recall but never invent a requirement.
"""

from __future__ import annotations

from app.grounding import (
    MUST,
    NICE,
    Importance,
    Requirement,
    contains_phrase,
    extract_requirements,
    normalize_text,
    same_phrase,
)
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
    # An alternative of a requirement is known too: "Power BI" from the model must not become a
    # requirement of its own beside "Tableau or Power BI", which a Tableau user meets.
    known = {normalize_text(option) for r in requirements for option in (r.name, *r.alternatives)}
    limit = ctx.options.jd_analyst.max_proposals
    for item in proposals[:limit] if isinstance(proposals, list) else []:
        name = " ".join(str(item).split())
        if not (2 <= len(name) <= 40) or normalize_text(name) in known or _named_by(name, requirements):
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


def _named_by(name: str, requirements: list[Requirement]) -> bool:
    """Whether a requirement or one of its alternatives already names `name` ("Kafka": "Apache Kafka")."""
    return any(same_phrase(name, option) for r in requirements for option in (r.name, *r.alternatives))
