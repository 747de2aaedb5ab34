"""Agent 5, the fact-checker: every rewritten line is checked against its source line; what is not
grounded is reverted to the original.

The deterministic checks (`_guard`) decide. If the manifest gives this agent a prompt and sets
`llm_veto: true`, the model is also asked whether the new line adds a fact; its "yes" can only
revert a line, never rescue one, so a weak model can cost tailoring but never add a fabrication.
"""

from __future__ import annotations

from app.pipeline._context import RunContext
from app.pipeline._guard import check_rewrite, clean_rewrite
from app.pipeline._types import LineChange

AGENT = "fact_checker"


async def check_changes(ctx: RunContext, changes: list[LineChange]) -> None:
    options = ctx.options.fact_checker
    veto = options.llm_veto and ctx.uses_llm(AGENT)
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
            checks=options.checks,
            max_novelty=options.max_novelty,
            length_bounds=options.length_bounds,
            is_a=options.grounding == "is_a",
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
