"""`length_and_style`: the output stays within a word budget of the source and does not loop."""

from __future__ import annotations

import re

from app.grounding import normalize_text
from app.resume import resume_text
from evals.scorers._base import Offense, Sample, Score, scorer

BUDGET = (0.8, 1.25)  # output words / source words
MAX_REPETITION = 0.05  # share of repeated word trigrams within a line


def repetition_rate(text: str) -> float:
    """Share of word trigrams that repeat an earlier trigram of the same line or bullet."""
    repeated = total = 0
    for line in text.splitlines():
        words = re.findall(r"[a-z0-9%$']+", normalize_text(line))
        trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
        total += len(trigrams)
        repeated += len(trigrams) - len(set(trigrams))
    return repeated / total if total else 0.0


def _loops(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"\b(\w+)(?:\W+\1\b){2,}", text, re.IGNORECASE)]


@scorer("length_and_style", default=True)
def length_and_style(sample: Sample) -> Score:
    """Word budget relative to the source, and a repetition rate (the local model loops)."""
    src_words = max(1, len(resume_text(sample.source).split()))
    out_words = len(sample.output_text.split())
    budget = out_words / src_words
    rep = repetition_rate(sample.output_text)
    offenses = [
        Offense("loop", span, "a word repeated three or more times in a row")
        for span in _loops(sample.output_text)
    ]
    if not BUDGET[0] <= budget <= BUDGET[1]:
        offenses.append(Offense("length", f"{out_words} words", f"{budget:.2f}x the source's {src_words}"))
    if rep > MAX_REPETITION:
        offenses.append(Offense("repetition", f"{rep:.1%}", "of word trigrams repeat within a line"))
    budget_penalty = max(0.0, BUDGET[0] - budget, budget - BUDGET[1])
    value = max(0.0, 1.0 - 2 * budget_penalty - 5 * rep - 0.1 * len(_loops(sample.output_text)))
    return Score(
        "length_and_style",
        round(value, 4),
        passed=not offenses,
        explanation=f"{budget:.2f}x the source's words, repetition {rep:.1%}",
        offenses=tuple(offenses),
        details={"word_ratio": round(budget, 4), "repetition_rate": round(rep, 4), "words": out_words},
    )
