"""The LLM judge's entry in the scorer catalogue; the judge itself lives in evals/judge/.

Registered here rather than in evals/judge/ so that the catalogue is complete once
`evals.scorers` is imported: evals/judge/ imports `evals.scorers`, so a decorator there would run
after the catalogue's lists were derived whenever evals.judge is imported first.
"""

from __future__ import annotations

from typing import Any

from evals.scorers._base import Sample, Score, scorer


@scorer("judge", kind="judge", default=True, needs_judge_model=True)
async def judge(sample: Sample, **model_kwargs: Any) -> list[Score]:
    """LLM judge: relevance, faithfulness, actionability and readability (1-5 rubrics, scaled to [0, 1])."""
    from evals.judge import judge as judge_rubrics

    return await judge_rubrics(sample, **model_kwargs)
