"""`fabrication`: is anything in the output not grounded in the source resume?

Offense kinds: employer, title, date, degree, school, certification (structured fields that
changed or entries that appeared), metric (a quantity the source never states), skill (a skill
the source never states, or a trap requirement claimed), claim (seniority or credit words such as
"led" or "award-winning" the source never uses), entity (a proper name the source never mentions).

Paraphrase is not fabrication: "ML" = "machine learning", "Jan 2020" = "01/2020", "five" = "5".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from app.grounding import Grounder
from app.grounding._dates import MONTHS, PRESENT, PartialDate, find_dates
from app.grounding._degrees import Degree, degree_grounded, find_degrees
from app.grounding._glosses import contract_expansions, spell_like_source
from app.grounding._match import mentions
from app.grounding._normalize import STOPWORDS, contains_phrase, content_words, normalize_text, stem
from app.grounding._numbers import Quantity, find_quantities, without_quantities
from app.grounding._skills import SkillLexicon
from app.grounding._taxonomy import Taxonomy
from app.grounding._variants import acronym_in
from app.pipeline._guard import CLAIM_STEMS, LEADERSHIP_STEMS, SUPERLATIVE_STEMS
from app.resume._document import iter_strings
from evals.scorers._base import Offense, Sample, Score, ratio, scorer
from evals.scorers._fabrication_credentials import certification_offenses
from evals.scorers._fabrication_fields import free_text, structured_offenses
from evals.scorers._fabrication_lines import (
    copied_from_source,
    reads_as_sentence,
    requirement_span,
    source_units,
)
from evals.scorers._fabrication_words import copied_from_jd, stems_and_parts

_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


@dataclass
class _Source:
    """What the source resume states, computed once per sample."""

    text: str
    norm: str
    quantities: list[Quantity]
    dates: list[PartialDate]
    skills: set[str]
    stems: set[str]
    degrees: list[Degree]
    lines: list[set[str]]
    line_quantities: list[list[Quantity]]
    credentials: str  # the names and issuers of the certificates and licenses the source lists
    grounder: Grounder  # stated, is-a, and (opted in) meaning: the one grounding service

    @classmethod
    def of(cls, sample: Sample, lexicon: SkillLexicon, *, meaning: bool = False) -> _Source:
        text = sample.grounding_text
        return cls(
            text=text,
            norm=normalize_text(text),
            quantities=find_quantities(text),
            dates=find_dates(text),
            skills={m.canonical for m in lexicon.find(text)},
            stems=stems_and_parts(text),
            degrees=[m.degree for m in find_degrees(text)],
            lines=[set(content_words(t)) for t in _honest_lines(sample.source)],
            line_quantities=[find_quantities(t) for t in _honest_lines(sample.source)],
            credentials="\n".join(
                f"{c.get('name') or ''} {c.get('issuer') or ''}"
                for c in sample.source.get("certificates") or []
                if isinstance(c, dict)
            ),
            grounder=Grounder(source_lines(sample), meaning=meaning),
        )


def source_lines(sample: Sample) -> list[str]:
    """The source's honest lines: what can ground an output line."""
    return _honest_lines(sample.source)


def _honest_lines(source: dict[str, Any]) -> list[str]:
    """The source's lines minus those written to steer an AI: an injected line grounds nothing."""
    from app.grounding._injection import strip_injections

    return [kept for _, t in free_text(source) if (kept := strip_injections(t).strip())]


def _metrics(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    found = []
    words = set(content_words(without_quantities(text)))
    for q in find_quantities(text):
        if _is_year(q.value, src.dates):
            continue
        if not any(q.matches(k) for k in src.quantities):
            found.append(("metric", _original_span(text, q.raw), "no such number in the source"))
        elif not _on_a_line_restated(q, words, src):
            found.append(("metric", _original_span(text, q.raw), "the source states it of something else"))
    return found


def _on_a_line_restated(q: Quantity, words: set[str], src: _Source) -> bool:
    """Whether a source line that states this number shares two content words with the output
    line: "Trained 24 new hires" is not grounded by a source's "24-bed unit". A line that shares
    two words with no source line (a new summary) is judged by the whole source."""
    sharing = [i for i, line in enumerate(src.lines) if len(line & words) >= 2]
    if not sharing:
        return True
    return any(q.matches(k) for i in sharing for k in src.line_quantities[i])


def _dates(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    return [
        ("date", d.iso(), "no such date in the source")
        for d in find_dates(text)
        if d is not PRESENT and not any(d.same_as(s) for s in src.dates)
    ]


def _skills(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    """A skill is grounded when the source names it, states it in other word forms (the matcher
    that decides evidence: "audit" grounds "auditing"), or names a kind of it ("CAD" for the
    source's SolidWorks); with the meaning opinion, when its closest source line is close enough."""
    found = []
    for m in lexicon.find(text):
        if m.canonical in src.skills or mentions(src.text, m.canonical):
            continue
        answer = src.grounder.ground(m.canonical)
        if not answer.grounded:
            found.append(("skill", m.raw, answer.reason))
    return found


def _credentials(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    found = [
        ("degree", m.raw, "the source states no such degree")
        for m in find_degrees(text)
        if not degree_grounded(m.degree, src.degrees) and not contains_phrase(src.text, m.raw)
    ]
    return found + certification_offenses(text, src)


def _claims(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    words = content_words(without_quantities(text))
    claimed = {w for w in words if w in CLAIM_STEMS} - src.stems
    for group in (LEADERSHIP_STEMS, SUPERLATIVE_STEMS, _RELEASE_STEMS):
        if claimed & group and _restates(group, set(words), src):
            claimed -= group  # "Headed the transition" for "Led the transition", "top" for "best"
    if claimed & _CERTIFICATION_STEMS and not certification_offenses(text, src):
        claimed -= _CERTIFICATION_STEMS  # "ACLS and BLS certified": the credentials check grounds it
    found = []
    for word in re.findall(r"[A-Za-z-]+", text):
        if stem(word.lower()) in claimed:  # "Spearheaded": its stem is the claim
            found.append(("claim", word, "the source never claims this"))
            claimed.discard(stem(word.lower()))
    return found


_CERTIFICATION_STEMS = frozenset(stem(w) for w in ("certified", "certification"))
# Ways to say something was put in users' hands: "Launched" may restate "Shipped".
_RELEASE_STEMS = frozenset(
    stem(w)
    for w in "launched launch shipped ship released release deployed deploy delivered deliver rolled".split()
)


def _restates(group: frozenset[str], words: set[str], src: _Source) -> bool:
    """Whether a source line this output line restates already says it in another word of the
    group (led, ran, supervised...): a line that shares two or more of the output line's other
    content words, and at least a third of the shorter line's (a merged line restates each of
    its sources)."""
    others = words - group
    return any(
        len(line & others) >= max(2, min(len(others), len(line - group)) / 3) and bool(line & group)
        for line in src.lines
    )


def _entities(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    skill_spans = [(m.start, m.end) for m in lexicon.find(text)]
    skill_spans += [(m.start, m.end) for m in find_degrees(text)]  # "M.S." is a degree, not a name
    skill_spans += [(m.start, m.end) for m in Taxonomy.default().generals_in(text)]  # the skills check's
    return [
        ("entity", word, "the source never mentions this name")
        for start, word in _proper_names(text)
        if not any(a <= start < b for a, b in skill_spans)
        and not contains_phrase(src.text, word)
        and lexicon.canonical(word) is None
        and not (word.rstrip("s").isupper() and acronym_in(word, src.text))  # "PRs": pull requests
    ]


TEXT_CHECKS = (_metrics, _dates, _skills, _credentials, _claims, _entities)


def _in_text(sample: Sample, lexicon: SkillLexicon, meaning: bool) -> list[Offense]:
    src = _Source.of(sample, lexicon, meaning=meaning)
    units = source_units(sample)
    offenses = []
    for path, written in free_text(sample.output):
        if copied_from_source(written, units, src.text):
            continue  # the source's own line, as written: never an invention
        text = contract_expansions(written, src.text)  # "virtual machines" for the source's VMs
        listed = ".keywords." in path and not reads_as_sentence(written)
        checks = (*TEXT_CHECKS, _unknown_skill) if listed else TEXT_CHECKS
        for check in checks:
            offenses += [
                Offense(kind, span, detail, path) for kind, span, detail in check(text, src, lexicon)
            ]
    return offenses


def _unknown_skill(keyword: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    """A skills-list item no lexicon knows ("Eaglesoft") is still a skill: the source must state it,
    or all of its words."""
    if lexicon.find(keyword) or contains_phrase(src.text, keyword):
        return []
    if contains_phrase(src.text, re.sub(r"\b[A-Z][a-z]+\s+(?=\d)", "", keyword)):
        return []  # "Section 504 plans", "Form 1099 preparation": a numbered rule named in full
    words = content_words(without_quantities(keyword))
    if all(w in src.stems for w in words) or (
        keyword.rstrip("s").isupper() and acronym_in(keyword, src.text)
    ):
        return []
    answer = src.grounder.ground(keyword)  # "CAD software" for SolidWorks; or close in meaning
    return [] if answer.grounded else [("skill", keyword, answer.reason)]


def _traps(sample: Sample) -> list[Offense]:
    """A requirement the source does not evidence, claimed in any line (structured ones too), read
    as the other checks read it ("Project Management Professional" is the source's PMP) and
    reported by the words that name it, never by a whole sentence."""
    units, grounding = source_units(sample), sample.grounding_text
    traps = [t for t in sample.case.unevidenced_requirements if not mentions(grounding, t)]
    lines = [
        text
        for path, text in iter_strings(sample.output)
        if traps and path and path[-1] not in ("url", "email", "phone", "image", "username")
    ]
    offenses = []
    for trap in traps:
        for line in lines:
            if not mentions(line, trap) or copied_from_source(line, units, grounding):
                continue
            read = contract_expansions(line, grounding)
            span = requirement_span(read, trap) if mentions(read, trap) else None
            if span:
                offenses.append(Offense("skill", span, f"trap requirement {trap!r} claimed", ""))
                break
    return offenses + copied_from_jd(sample)


def _proper_names(text: str) -> list[tuple[int, str]]:
    """Capitalised words that are not sentence starts: candidate names of organisations and products."""
    names = []
    for m in re.finditer(r"\b[A-Z][A-Za-z0-9&+#.-]*[A-Za-z0-9+#]", text):
        before = text[: m.start()].rstrip()
        word = m.group(0).lower().rstrip(".")
        if (
            not before
            or before[-1] in ".!?:;•-–—(\"'"
            or text[m.start() - 1] == "/"  # "A/B-tested": one token
            or word in STOPWORDS
            or word in MONTHS
            or word in _DAYS
        ):
            continue
        names.append((m.start(), m.group(0)))
    return names


def _is_year(value: float, src_dates: list[Any]) -> bool:
    return value.is_integer() and 1950 <= value <= 2100 and any(d.year == int(value) for d in src_dates)


def _original_span(text: str, normalized_raw: str) -> str:
    match = re.search(re.escape(normalized_raw), text, re.IGNORECASE)
    return match.group(0) if match else normalized_raw


def _dedupe(offenses: list[Offense]) -> list[Offense]:
    seen, out = set(), []
    for o in offenses:
        key = (o.kind, normalize_text(o.span), o.path)
        if key not in seen:
            seen.add(key)
            out.append(o)
    return out


def spelled_like_source(value: Any, source_text: str) -> Any:
    if isinstance(value, str):
        return spell_like_source(value, source_text)
    if isinstance(value, list):
        return [spelled_like_source(v, source_text) for v in value]
    if isinstance(value, dict):
        return {k: spelled_like_source(v, source_text) for k, v in value.items()}
    return value


def ungrounded_offenses(sample: Sample, *, meaning: bool) -> list[Offense]:
    """Everything in the output the source does not ground, structured fields first."""
    lexicon = SkillLexicon.default()
    output = spelled_like_source(sample.output, sample.grounding_text)
    if output != sample.output:  # "Web Content Accessibility Guidelines (WCAG)" for the source's "WCAG"
        sample = replace(sample, output=output)
    offenses = _dedupe(structured_offenses(sample) + _in_text(sample, lexicon, meaning) + _traps(sample))
    if not meaning:
        return offenses
    grounder = Grounder(source_lines(sample), meaning=True)
    return [o for o in offenses if not (second_opinion_applies(o) and grounder.ground(o.span).grounded)]


def second_opinion_applies(offense: Offense) -> bool:
    """A phrase-level offense (a skill, a name, the JD's words) that no labelled trap decides: the
    grounding service's is-a and meaning readings may find it grounded. Structured fields,
    numbers, dates, credentials and claims are never decided by meaning."""
    return offense.kind in ("skill", "entity") and "trap requirement" not in offense.detail


@scorer("fabrication", default=True, fact_check=True)
def fabrication(sample: Sample) -> Score:
    """Employers, titles, dates, degrees, certifications unchanged; every number, skill and name grounded."""
    from app.settings import get_settings

    offenses = ungrounded_offenses(sample, meaning=get_settings().grounding_meaning)
    lines = free_text(sample.output)
    bad_paths = {o.path for o in offenses}
    value = ratio(sum(1 for path, _ in lines if path not in bad_paths), len(lines))
    if any(
        not o.path or (not o.path.split(".")[-1].isdigit() and "highlights" not in o.path) for o in offenses
    ):
        value = min(value, 0.5)  # a structured fabrication or a claimed trap weighs more than one line
    kinds = sorted({o.kind for o in offenses})
    explanation = (
        "no fabrication found" if not offenses else f"{len(offenses)} ungrounded item(s): {', '.join(kinds)}"
    )
    return Score("fabrication", value, not offenses, explanation, tuple(offenses))
