"""Qualifiers of a number: the words that say what a figure measures or how exact it is.

"Cut API p95 latency by 40%" and "Cut API latency by 40%" state the same number and different
claims: the first is about the slowest requests, the second reads as all of them. A rewrite must
keep what qualifies a number as it keeps the number itself. Two kinds are found:

- **measures**, anywhere in the number's clause: a percentile ("p95", "95th percentile"), a
  statistic ("median", "average"), a rate ("per quarter", "a month", "weekly"), a comparison
  ("year over year") or a moment ("at peak");
- **bounds**, right before the number: "up to", "over" (or "300+"), "nearly", "about",
  "at least", "under".

Each qualifier has a key: the forms of one meaning share it ("a month", "per month" and
"monthly"; "about", "around" and "~"), so a rewrite may say it in another of those forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.grounding._normalize import normalize_text
from app.grounding._numbers import Quantity, find_quantities

_PERIODS = {
    "hour": "hour",
    "hr": "hour",
    "day": "day",
    "night": "night",
    "shift": "shift",
    "week": "week",
    "wk": "week",
    "month": "month",
    "mo": "month",
    "quarter": "quarter",
    "qtr": "quarter",
    "year": "year",
    "yr": "year",
    "annum": "year",
    "semester": "semester",
    "season": "season",
}
_PERIOD_ADVERBS = {
    "hourly": "hour",
    "daily": "day",
    "nightly": "night",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "yearly": "year",
    "annually": "year",
    "annual": "year",
    "annualized": "year",
    "annualised": "year",
}
_PERIOD_WORDS = "|".join(sorted(_PERIODS, key=len, reverse=True))
# "a month" is a rate in "22 meetings a month" but a duration in "within a month".
_NOT_A_RATE_BEFORE = {
    "in",
    "within",
    "for",
    "after",
    "over",
    "than",
    "of",
    "under",
    "about",
    "nearly",
    "almost",
}

# Measures: found anywhere in the clause of a number.
_MEASURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![a-z0-9])p(\d{1,2}(?:\.\d+)?)(?![a-z0-9])"), "p{0}"),
    (re.compile(r"(?<![a-z0-9])(\d{1,2}(?:\.\d+)?)(?:st|nd|rd|th)[- ]percentile\b"), "p{0}"),
    (re.compile(r"\bmedian\b"), "median"),
    (re.compile(r"\b(?:on average|averag(?:e|ed|es|ing)|avg|mean)\b"), "average"),
    (re.compile(r"\b(?:at peak|at its peak|peak|peaking)\b"), "at peak"),
    (re.compile(r"\b(?:year[- ]over[- ]year|yoy|y/y)(?![a-z])"), "year over year"),
    (re.compile(r"\b(?:month[- ]over[- ]month|m/m)(?![a-z])"), "month over month"),
    (re.compile(r"\b(?:quarter[- ]over[- ]quarter|qoq|q/q)(?![a-z])"), "quarter over quarter"),
    (re.compile(rf"\b(?:per|each|every)\s+({_PERIOD_WORDS})\b"), "per {0}"),
    (re.compile(r"\ban?\s+(hour|day|week|month|quarter|year)\b"), "per {0}"),
    (re.compile(rf"/\s?({_PERIOD_WORDS})\b"), "per {0}"),
    (re.compile(rf"\b({'|'.join(_PERIOD_ADVERBS)})\b"), "per {0}"),
    (re.compile(r"\bbi-?weekly\b|\bfortnightly\b|\bevery (?:two|2|other) weeks\b"), "every two weeks"),
)
# Bounds: the words right before a number, each form with its meaning.
_BOUND_FORMS = {
    "up to": "up to",
    "as much as": "up to",
    "as many as": "up to",
    "as high as": "up to",
    "over": "over",
    "more than": "over",
    "above": "over",
    "upwards of": "over",
    "in excess of": "over",
    "north of": "over",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "approaching": "nearly",
    "about": "about",
    "approximately": "about",
    "approx.": "about",
    "approx": "about",
    "around": "about",
    "roughly": "about",
    "circa": "about",
    "some": "about",
    "~": "about",
    "an estimated": "about",
    "estimated": "about",
    "at least": "at least",
    "a minimum of": "at least",
    "no fewer than": "at least",
    "no less than": "at least",
    "under": "at most",
    "less than": "at most",
    "fewer than": "at most",
    "below": "at most",
    "within": "at most",
    "at most": "at most",
    "no more than": "at most",
    "a maximum of": "at most",
}
_BOUND_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(re.escape(f) for f in sorted(_BOUND_FORMS, key=len, reverse=True)) + r")\s*$"
)
_DURATION_AFTER = re.compile(rf"\s*(?:[a-z-]+\s+)?(?:{_PERIOD_WORDS}|minute|second)s?\b")
_CLAUSE_BREAK = re.compile(r";|,\s|\.\s|:\s|\(|\)|\s-\s|\s\|\s")


@dataclass(frozen=True)
class Qualifier:
    """One qualifier of a number, as found in normalised text."""

    key: str  # its meaning: "p95", "median", "per month", "up to"
    raw: str  # as written (normalised): "p95", "a month", "~"
    quantities: tuple[Quantity, ...]  # the numbers it qualifies: a bound's one, a measure's clause's
    start: int
    end: int

    @property
    def number(self) -> str:
        """The (first) number it qualifies, as written."""
        return self.quantities[0].raw if self.quantities else ""


def find_qualifiers(text: str) -> list[Qualifier]:
    """Every qualifier attached to a number in `text` (offsets in its normalised form)."""
    norm = normalize_text(text)
    quantities = [q for q in find_quantities(text) if not _names_something(norm, q)]
    found: list[Qualifier] = []
    for start, end in _clauses(norm):
        numbers = [q for q in quantities if start <= q.start < end]
        if not numbers:
            continue
        found += _measures(norm, start, end, tuple(numbers))
        for q in numbers:
            bound = _bound_before(norm, start, q)
            if bound is not None:
                found.append(bound)
    return sorted(found, key=lambda q: q.start)


def qualifier_keys(text: str) -> set[str]:
    """The meanings `text` states: of the qualifiers it attaches to its numbers, and of every measure
    anywhere ("monthly KPI (key performance indicator) decks for 5 managers" keeps "monthly")."""
    norm = normalize_text(text)
    anywhere = {q.key for q in _measures(norm, 0, len(norm), ())}
    return anywhere | {q.key for q in find_qualifiers(text)}


def dropped_qualifiers(original: str, rewrite: str) -> list[Qualifier]:
    """Qualifiers of the original's numbers that the rewrite still states but no longer qualifies.

    "Cut API p95 latency by 40%" -> "Reduced API latency by 40%" drops "p95"; "22 meetings a
    month" -> "22 meetings monthly" drops nothing. A measure counts wherever the rewrite says it, a
    bound only right before a number. A number the rewrite drops altogether takes its qualifiers
    with it: that loss is the number's (`dropped_quantities`), not a change of what it claims.
    """
    kept = qualifier_keys(rewrite)
    stated = find_quantities(rewrite)
    lost: list[Qualifier] = []
    for q in find_qualifiers(original):
        if not any(n.matches(s) for n in q.quantities for s in stated):
            continue
        if q.key not in kept and all(q.key != x.key for x in lost):
            lost.append(q)
    return lost


def _names_something(norm: str, q: Quantity) -> bool:
    """ "401(k)", "3D", "24/7": a number inside a name qualifies nothing."""
    end = q.start + len(q.raw)  # `q.end` may include a space after the number
    after = norm[end : end + 2]
    return q.unit == "" and (
        after[:1] == "(" or after[:1].isalpha() or (after[:1] == "/" and after[1:].isdigit())
    )


def _clauses(norm: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_BREAK.finditer(norm):
        if m.group(0).startswith(",") and _between_digits(norm, m.start()):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(norm)))
    return [(a, b) for a, b in spans if b > a]


def _between_digits(norm: str, at: int) -> bool:
    return at > 0 and norm[at - 1].isdigit() and at + 1 < len(norm) and norm[at + 1].isdigit()


def _measures(norm: str, start: int, end: int, numbers: tuple[Quantity, ...]) -> list[Qualifier]:
    clause = norm[start:end]
    found = []
    for pattern, key in _MEASURES:
        for m in pattern.finditer(clause):
            if key == "per {0}" and m.group(0).split()[0] in ("a", "an"):
                before = clause[: m.start()].split()
                if before and before[-1] in _NOT_A_RATE_BEFORE:
                    continue
            value = m.group(1) if m.groups() else ""
            period = _PERIODS.get(value) or _PERIOD_ADVERBS.get(value, value)
            found.append(
                Qualifier(key.format(period), m.group(0).strip(), numbers, start + m.start(), start + m.end())
            )
    return found


def _bound_before(norm: str, clause_start: int, q: Quantity) -> Qualifier | None:
    after = norm[q.end : q.end + 1]
    if after == "+":
        return Qualifier("over", "+", (q,), q.end, q.end + 1)
    m = _BOUND_RE.search(norm[clause_start : q.start])
    if m is None:
        return None
    form = m.group(1)
    if form == "over" and _DURATION_AFTER.match(norm, q.end):
        return None  # "over 9 months": during, not more than
    return Qualifier(_BOUND_FORMS[form], form, (q,), clause_start + m.start(1), clause_start + m.end(1))
