"""`specificity`: rewritten lines keep what made them specific.

For each output line that restates a source line (shares at least two content words with it, a
third of its own and a quarter of the source line's) and differs from it, two downgrades are offenses:

- `dropped_qualifier`: a qualifier of a number the source line states ("p95", "median", "per
  quarter", "up to") is gone, so the figure now claims something else (span: the source's words);
- `vaguer_verb`: the line opens with a vaguer phrase ("Helped with", "Supported the") where the
  source line opened with a specific verb (span: the output's words).

The same analysis as the fact-checker's `keeps_qualifiers` and `keeps_specificity` checks, so a
prompt whose few-shot examples teach weak verbs shows up here even where the checks are off.
"""

from __future__ import annotations

import re
from typing import Any

from app.grounding import (
    content_words,
    dropped_qualifiers,
    normalize_text,
    opens_specifically,
    strip_injections,
    uses_phrase,
    verb_downgrades,
)
from evals.scorers._base import Offense, Sample, Score, ratio, scorer
from evals.scorers._fabrication_fields import free_text


def _source_lines(source: dict[str, Any]) -> list[tuple[str, set[str]]]:
    lines = []
    for _, text in free_text(source):
        honest = strip_injections(text).strip()  # an injected line states nothing to keep
        if honest:
            lines.append((honest, set(content_words(honest))))
    return lines


def restated_lines(line: str, source_lines: list[tuple[str, set[str]]]) -> list[str]:
    """The source lines `line` restates: the closest first, then any other it merges in; [] when
    it restates none.

    Close: at least two shared content words, a third of the line's and a quarter of the source
    line's. Merged in: two or more, and half of a (short) source line's.
    """
    words = set(content_words(line))
    close: list[tuple[int, str]] = []
    merged: list[str] = []
    for text, source_words in source_lines:
        shared = len(words & source_words)
        if shared >= max(2, len(words) / 3, len(source_words) / 4):
            close.append((shared, text))
        elif shared >= max(2, len(source_words) / 2):
            merged.append(text)
    if not close:
        return []
    ranked = [text for _, text in sorted(close, key=lambda pair: -pair[0])]
    return ranked + merged


def _span(text: str, phrase: str) -> str:
    """`phrase` (normalised) as `text` writes it, else the phrase itself."""
    pattern = r"\s+".join(re.escape(part) for part in phrase.split())
    m = re.search(pattern, text, re.IGNORECASE)
    return m.group(0) if m else phrase


def line_offenses(
    source_line: str, line: str, path: str = "", also_restated: tuple[str, ...] = ()
) -> list[Offense]:
    """The downgrades from `source_line` to its rewrite `line`. A vague phrase may come from another
    source line the rewrite merges in (`also_restated`): one that uses it, or that opens with no
    specific verb, gave nothing specific to lose."""
    found = [
        Offense(
            "dropped_qualifier",
            _span(source_line, q.raw),
            f"the source line qualifies {q.number!r} with {q.raw!r} ({q.key}); this line drops it",
            path,
        )
        for q in dropped_qualifiers(source_line, line)
    ]
    found += [
        Offense(
            "vaguer_verb",
            _span(line, d.vague),
            f"opens with {d.vague!r} where the source line opens with {d.specific!r}",
            path,
        )
        for d in verb_downgrades(source_line, line)
        if not any(uses_phrase(other, d.vague) or not opens_specifically(other) for other in also_restated)
    ]
    return found


@scorer("specificity")
def specificity(sample: Sample) -> Score:
    """Rewritten lines keep their numbers' qualifiers and their specific verbs."""
    source_lines = _source_lines(sample.source)
    unchanged = {normalize_text(text) for text, _ in source_lines}
    rewritten = offending = 0
    offenses: list[Offense] = []
    for path, line in free_text(sample.output):
        if normalize_text(line) in unchanged:
            continue
        restated = restated_lines(line, source_lines)
        if not restated:
            continue
        rewritten += 1
        found = line_offenses(restated[0], line, path, tuple(restated[1:]))
        offending += bool(found)
        offenses += found
    value = ratio(rewritten - offending, rewritten)
    return Score(
        "specificity",
        round(value, 4),
        passed=not offenses,
        explanation=(
            f"{offending} of {rewritten} rewritten line(s) lost a qualifier or a specific verb"
            if rewritten
            else "no line restates a source line in other words"
        ),
        offenses=tuple(offenses),
        details={
            "rewritten_lines": rewritten,
            "dropped_qualifiers": sum(o.kind == "dropped_qualifier" for o in offenses),
            "vaguer_verbs": sum(o.kind == "vaguer_verb" for o in offenses),
        },
    )
