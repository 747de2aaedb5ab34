"""Where a recruiter looks first, and what the JD asks for that those places show.

The prominent places are the `jd_coverage` scorer's (evals/scorers/jd_coverage.py): the summary
and label, each role's, project's or volunteer entry's summary and first two bullets, and the first
skills group. `tests/test_pipeline_coverage.py` pins that both read the same lines.

What counts as shown there: the evidenced requirements the JD analyst found (2 for a must-have,
1 for a nice-to-have) and, for the requirements it missed ("quota attainment", "budget
ownership"), every pair of words the JD writes side by side that a line states.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from app.grounding import MUST, EvidenceMap, content_words, mentions, strip_injections
from app.resume import REWRITABLE_SECTIONS

TOP_BULLETS = 2  # as the jd_coverage scorer's TOP_BULLETS

Pair = tuple[str, str]


def prominent_lines(resume: dict[str, Any], *, skip_entry: tuple[str, int] | None = None) -> list[str]:
    """The prominent places' text, in the scorer's order (`skip_entry`'s top bullets left out)."""
    basics = resume.get("basics") or {}
    parts = [str(basics.get("summary") or ""), str(basics.get("label") or "")]
    for section in REWRITABLE_SECTIONS:
        for i, entry in enumerate(resume.get(section) or []):
            if isinstance(entry, dict):
                if (section, i) != skip_entry:
                    parts += [str(h) for h in (entry.get("highlights") or [])[:TOP_BULLETS]]
                parts.append(str(entry.get("summary") or ""))
    skills = resume.get("skills") or []
    if skills and isinstance(skills[0], dict):
        parts += [str(skills[0].get("name") or "")] + [str(k) for k in skills[0].get("keywords") or []]
    return [p for p in parts if p]


def jd_pairs(jd_text: str) -> frozenset[Pair]:
    """Pairs of content words the JD writes side by side, line by line ("quota attainment")."""
    pairs: set[Pair] = set()
    for line in strip_injections(jd_text).splitlines():
        words = [w for w in content_words(line) if w.isalpha()]
        pairs.update((min(a, b), max(a, b)) for a, b in itertools.pairwise(words) if a != b)
    return frozenset(pairs)


@dataclass
class Shown:
    """What a set of lines shows: requirement names and JD word pairs."""

    requirements: frozenset[str] = frozenset()
    pairs: frozenset[Pair] = frozenset()

    def __or__(self, other: Shown) -> Shown:
        return Shown(self.requirements | other.requirements, self.pairs | other.pairs)


@dataclass
class CoverageModel:
    """The pipeline's notion of JD coverage: which requirements and JD pairs a line shows."""

    weights: dict[str, int]  # evidenced requirement name -> 2 (must-have) or 1 (nice-to-have)
    pairs: frozenset[Pair]
    _lines: dict[str, Shown] = field(default_factory=dict)

    @classmethod
    def of(cls, emap: EvidenceMap, jd_text: str) -> CoverageModel:
        weights = {r.name: 2 if r.importance == MUST else 1 for r in emap.evidenced}
        return cls(weights, jd_pairs(jd_text))

    def line(self, text: str) -> Shown:
        if text not in self._lines:
            words = set(content_words(text))
            self._lines[text] = Shown(
                frozenset(name for name in self.weights if mentions(text, name)),
                frozenset(p for p in self.pairs if p[0] in words and p[1] in words),
            )
        return self._lines[text]

    def lines(self, texts: list[str]) -> Shown:
        shown = Shown()
        for text in texts:
            shown = shown | self.line(text)
        return shown

    def rank(self, shown: Shown, baseline: Shown) -> tuple[bool, int, int]:
        """How good `shown` is against what the source showed (`baseline`), higher is better:
        nothing the source showed lost from the requirements, most requirement weight, fewest
        JD pairs lost."""
        keeps = baseline.requirements <= shown.requirements
        weight = sum(self.weights[name] for name in shown.requirements)
        return keeps, weight, -len(baseline.pairs - shown.pairs)


def arrange_bullets(
    doc: dict[str, Any], model: CoverageModel, baseline: Shown, weight_of: dict[str, int]
) -> None:
    """Each entry's bullets: the best two first (see `CoverageModel.rank`, then relevance, then the
    source's order), then the rest by relevance. Entries are arranged one at a time, each against
    the prominent places as the ones before it left them."""
    for section in REWRITABLE_SECTIONS:
        for i, entry in enumerate(doc.get(section) or []):
            items = entry.get("highlights") if isinstance(entry, dict) else None
            if not isinstance(items, list) or len(items) < 2:
                continue
            weights = [weight_of.get(f"{section}[{i}].highlights[{j}]", 0) for j in range(len(items))]
            fixed = model.lines(prominent_lines(doc, skip_entry=(section, i)))
            best = _best_top([str(h) for h in items], weights, fixed, model, baseline)
            top = sorted(best, key=lambda j: -weights[j])
            rest = sorted((j for j in range(len(items)) if j not in best), key=lambda j: -weights[j])
            entry["highlights"] = [items[j] for j in top + rest]


def _best_top(
    items: list[str], weights: list[int], fixed: Shown, model: CoverageModel, baseline: Shown
) -> tuple[int, ...]:
    def score(top: tuple[int, ...]) -> tuple[Any, ...]:
        shown = fixed | model.lines([items[j] for j in top])
        return (*model.rank(shown, baseline), sum(weights[j] for j in top), [-j for j in top])

    return max(itertools.combinations(range(len(items)), min(TOP_BULLETS, len(items))), key=score)


def first_group(
    groups: list[dict[str, Any]],
    group_weights: list[int],
    model: CoverageModel,
    doc: dict[str, Any],
    baseline: Shown,
) -> int:
    """The skills group to show first: the best by `CoverageModel.rank`, then relevance, then order."""
    fixed = model.lines(prominent_lines({k: v for k, v in doc.items() if k != "skills"}))

    def score(i: int) -> tuple[Any, ...]:
        group = groups[i]
        texts = [str(group.get("name") or "")] + [str(k) for k in group.get("keywords") or []]
        return (*model.rank(fixed | model.lines(texts), baseline), group_weights[i], -i)

    return max(range(len(groups)), key=score)
