"""Agent 5, the fact-checker: every rewritten line is checked against its source line; what is not
grounded is reverted to the original.

The deterministic checks (`_guard`) decide. If the manifest gives this agent a prompt and sets
`llm_veto: true`, the model is also asked whether the new line adds a fact; its "yes" can only
revert a line, never rescue one, so a weak model can cost tailoring but never add a fabrication.
"""

from __future__ import annotations

from app.pipeline._context import RunContext
from app.pipeline._guard import ALL_CHECKS, check_rewrite, clean_rewrite
from app.pipeline._types import LineChange

AGENT = "fact_checker"


async def check_changes(ctx: RunContext, changes: list[LineChange]) -> None:
    options = ctx.options(AGENT)
    checks = tuple(options.get("checks", ALL_CHECKS))
    veto = bool(options.get("llm_veto", False)) and ctx.uses_llm(AGENT)
    bounds = tuple(options.get("length_bounds", (0.5, 1.6)))
    for change in changes:
        change.final = change.original
        if change.proposed is None:
            continue
        original = ctx.vault.pseudonymise(change.original)
        rewrite = clean_rewrite(change.proposed)
        if not change.reasons and rewrite == original:
            change.status = "unchanged"
            continue
        verdict = check_rewrite(
            original,
            rewrite,
            jd_text=ctx.jd_text,
            allowed_terms=change.terms,
            checks=checks,
            max_novelty=float(options.get("max_novelty", 0.4)),
            length_bounds=(float(bounds[0]), float(bounds[1])),
        )
        change.reasons.extend(verdict.reasons)
        if not change.reasons and veto:
            reply = await ctx.ask_json(AGENT, original=original, rewrite=rewrite)
            if reply is None or reply.get("adds_fact") is not False:
                change.reasons.append("llm: the fact-checker model did not confirm the line")
        if change.reasons:
            change.status = "reverted"
        else:
            change.status = "accepted"
            change.final = ctx.vault.restore(rewrite)
