"""The numbers check of `fabrication`: every quantity an output line states must be the source's,
of the same thing, with what qualifies it.

A number is grounded when the source states it (a figure in words or digits alike) on a line this
one restates; or when the source's own figures give it (golden/README.md, "Derived numbers": years
from its dates, a change from a before and an after, a count of what a line lists). It is still an
offense when it carries a qualifier the source gives another number ("28 full-time associates" for
"28 associates (6 full-time, 22 part-time)"), drops the percentile or median it was measured by, or
turns two figures the source states into a change it never states ("CSAT raised from 92% to 94%").
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any, Protocol

from app.grounding import (
    PartialDate,
    Quantity,
    SkillLexicon,
    content_words,
    find_quantities,
    normalize_text,
    without_quantities,
)
from evals.scorers._fabrication_changes import (
    change_invented,
    hedged_change_fits,
    level_as_change,
    own_share_fits,
    points_fit,
    scope_widened,
)
from evals.scorers._fabrication_numbers import (
    arithmetic_fits,
    listed_counts,
    measure_dropped,
    percent_change_fits,
    qualifier_moved,
    target_as_result,
    years_claimed,
    years_fit,
)


class MetricSource(Protocol):
    """What the numbers check reads of the source (`fabrication._Source` is one)."""

    text: str
    quantities: list[Quantity]
    dates: list[PartialDate]
    line_texts: list[str]
    lines: list[set[str]]
    line_quantities: list[list[Quantity]]
    spans: list[tuple[float, float]]


def metric_offenses(text: str, src: MetricSource, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    found = []
    words = set(content_words(without_quantities(text)))
    for q in find_quantities(text):
        if _is_year(q.value, src.dates) or _part_of_a_name(text, q):
            continue
        if not any(q.matches(k) for k in src.quantities):
            if not _derived(text, q, words, src):
                found.append(("metric", _original_span(text, q.raw), _unstated(text, q, src)))
        elif not (_on_a_line_restated(q, words, src) or _range_stated(text, q, src)) and not _derived(
            text, q, words, src
        ):
            found.append(("metric", _original_span(text, q.raw), "the source states it of something else"))
        else:
            found += _qualified_otherwise(text, q, words, src)
    sharing = [src.line_texts[i] for i, line in enumerate(src.lines) if line & words]
    if (change := change_invented(text, sharing, src.line_texts)) is not None:
        clause, before, after = change
        found.append(("metric", clause, f"the source states {before:g} and {after:g}, never as a change"))
    return found


def _restated_lines(words: set[str], src: MetricSource) -> list[str]:
    return [src.line_texts[i] for i, line in enumerate(src.lines) if len(line & words) >= 2]


def _qualified_otherwise(
    text: str, q: Quantity, words: set[str], src: MetricSource
) -> list[tuple[str, str, str]]:
    """A number the source states, now of another qualifier ("28 full-time associates" for "28
    associates (6 full-time, ...)") or without what it measured ("latency" for "p99 latency")."""
    restated = _restated_lines(words, src)
    span = _original_span(text, q.raw)
    if qualifier_moved(text, q, restated):
        return [("metric", span, "the source says this of another number")]
    sharing = [src.line_texts[i] for i, line in enumerate(src.lines) if line & words]
    if target_as_result(text, q, restated or sharing):
        return [("metric", span, "the source states this as a target, not a result")]
    if level_as_change(text, q, restated or sharing):
        return [("metric", span, "the source states this as a level, not the size of a change")]
    if (wide := scope_widened(text, q, restated or sharing)) is not None:
        return [("metric", span, f"the source states this of a narrower scope than {wide!r}")]
    if (lost := measure_dropped(text, q, restated)) is not None:
        return [("metric", span, f"the source's {lost!r} is dropped from this number")]
    return []


def _part_of_a_name(text: str, q: Quantity) -> bool:
    """ "Lean Six Sigma": a number word capitalised inside a name, not a quantity."""
    return q.raw.isalpha() and re.search(rf"\b{q.raw.capitalize()}\s+[A-Z][a-z]", text) is not None


def _derived(text: str, q: Quantity, words: set[str], src: MetricSource) -> bool:
    """A number the source's own figures give (golden/README.md, "Derived numbers"): years from its
    dates, a change from a before and an after, a count of the items a line lists."""
    if years_claimed(text, q):
        return years_fit(text, q, src.spans)
    if _version_of_a_name(text, q, src.text):
        return True
    restated = [src.line_texts[i] for i, line in enumerate(src.lines) if len(line & words) >= 2]
    if q.value == 1 and q.raw == "1" and any(re.search(r"(?i)\bone\b", line) for line in restated):
        return True  # "1 week in 5" for "one week in five": the word "one" is no quantity of its own
    if percent_change_fits(q, restated) or arithmetic_fits(q, text, restated):
        return True
    if hedged_change_fits(q, text, restated) or points_fit(q, text, restated) or own_share_fits(q, text):
        return True
    return q.unit == "" and q.value.is_integer() and int(q.value) in listed_counts(restated)


def _version_of_a_name(text: str, q: Quantity, source: str) -> bool:
    """ "Apache Airflow (1.10 and 2.x)" for the source's "Airflow 1.10" and "Airflow 2": a number the
    source writes right after a name that this line names too (a version, a level)."""
    if q.unit != "":
        return False
    number = re.escape(q.raw)
    return any(
        re.search(rf"(?<![\w-]){re.escape(m.group(1))}(?![\w-])", text) is not None
        for m in re.finditer(rf"(?<![\w-])([A-Z][\w+#-]*)\s+{number}(?![\d%])", source)
    )


def _unstated(text: str, q: Quantity, src: MetricSource) -> str:
    if years_claimed(text, q) and src.spans:
        return "more years than the source's dates allow"
    return "no such number in the source"


def _on_a_line_restated(q: Quantity, words: set[str], src: MetricSource) -> bool:
    """Whether a source line that states this number shares two content words with the output
    line: "Trained 24 new hires" is not grounded by a source's "24-bed unit". A line that shares
    two words with no source line (a new summary) is judged by the whole source."""
    sharing = [i for i, line in enumerate(src.lines) if len(line & words) >= 2]
    if not sharing:
        return True
    return any(q.matches(k) for i in sharing for k in src.line_quantities[i])


_RANGE_GAP = re.compile(r"\s*[-–—]\s*")


def _range_stated(text: str, q: Quantity, src: MetricSource) -> bool:
    """ "$25M–$250M revenue" for the source's "with $25M–$250M in annual revenue": one end of a range
    whose other end the source states beside it on one line; two figures together ground each other
    wherever the output line puts them."""
    found = find_quantities(text)
    norm = normalize_text(text)
    ends = [
        b if a.start == q.start else a
        for a, b in pairwise(found)
        if q.start in (a.start, b.start) and _RANGE_GAP.fullmatch(norm[a.end : b.start])
    ]
    return any(
        (q.matches(a) and e.matches(b)) or (e.matches(a) and q.matches(b))
        for text_line, line in zip(src.line_texts, src.line_quantities, strict=True)
        for a, b in pairwise(line)
        for e in ends
        if _RANGE_GAP.fullmatch(normalize_text(text_line)[a.end : b.start])
    )


def _is_year(value: float, src_dates: list[Any]) -> bool:
    return value.is_integer() and 1950 <= value <= 2100 and any(d.year == int(value) for d in src_dates)


def _original_span(text: str, normalized_raw: str) -> str:
    match = re.search(re.escape(normalized_raw), text, re.IGNORECASE)
    return match.group(0) if match else normalized_raw
