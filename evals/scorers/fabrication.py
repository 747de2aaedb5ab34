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

from app.grounding import (
    MONTHS,
    PRESENT,
    STOPWORDS,
    Degree,
    Grounder,
    PartialDate,
    Quantity,
    SkillLexicon,
    Taxonomy,
    acronym_in,
    contains_phrase,
    content_words,
    contract_expansions,
    degree_grounded,
    find_dates,
    find_degrees,
    find_quantities,
    mentions,
    normalize_text,
    spell_like_source,
)
from evals.scorers._base import Offense, Sample, Score, ratio, scorer
from evals.scorers._fabrication_claims import claim_offenses
from evals.scorers._fabrication_credentials import certification_offenses, not_current
from evals.scorers._fabrication_families import (
    PERSONAL_TRAITS,
    Families,
    soft_skill_shown,
    stated_by_family,
)
from evals.scorers._fabrication_fields import free_text, structured_offenses
from evals.scorers._fabrication_lines import (
    copied_from_source,
    reads_as_sentence,
    source_units,
)
from evals.scorers._fabrication_metrics import metric_offenses
from evals.scorers._fabrication_names import abbreviates_source_words, lowercase_stems, ordinary_word
from evals.scorers._fabrication_numbers import (
    career_spans,
    text_ranges,
)
from evals.scorers._fabrication_skills import ENGLISH_NOUN as _ENGLISH_NOUN
from evals.scorers._fabrication_skills import (
    a_list_item,
    ordinary_word_after_an_abbreviation,
)
from evals.scorers._fabrication_skills import unknown_skill as _unknown_skill
from evals.scorers._fabrication_traps import trap_offenses
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
    line_texts: list[
        str
    ]  # the honest lines, then each entry's header ("Summit Ridge Outdoor (... 14 stores)")
    lines: list[set[str]]
    line_quantities: list[list[Quantity]]
    spans: list[tuple[float, float]]  # years from a start date of the source to an end date
    credentials: str  # the names and issuers of the certificates and licenses the source lists
    grounder: Grounder  # stated, is-a, and (opted in) meaning: the one grounding service
    families: Families  # word families of the source's words ("reduced" for "reduction")
    lowercase_stems: frozenset[str]  # words the source, JD or output write in lower case: not names

    @classmethod
    def of(cls, sample: Sample, lexicon: SkillLexicon, *, meaning: bool = False) -> _Source:
        text = sample.grounding_text
        line_texts = _honest_lines(sample.source) + _entry_headers(sample.source)
        return cls(
            text=text,
            norm=normalize_text(text),
            quantities=find_quantities(text),
            dates=find_dates(text),
            skills={m.canonical for m in lexicon.find(text)},
            stems=stems_and_parts(text),
            degrees=[m.degree for m in find_degrees(text)],
            line_texts=line_texts,
            lines=[set(content_words(t)) for t in line_texts],
            line_quantities=[find_quantities(t) for t in line_texts],
            spans=career_spans(sample.source, text_ranges(text)),
            credentials="\n".join(
                f"{c.get('name') or ''} {c.get('issuer') or ''}"
                for c in sample.source.get("certificates") or []
                if isinstance(c, dict) and not not_current(c)
            ),
            grounder=Grounder(source_lines(sample), meaning=meaning),
            families=Families(text),
            lowercase_stems=lowercase_stems(text, sample.case.job_description, sample.output_text),
        )


def _entry_headers(source: dict[str, Any]) -> list[str]:
    """Each entry's name, title and description as one line: an employer's "(outdoor gear: e-commerce
    and 14 retail stores)" states its 14 as a bullet would; a certificate's name, issuer and note
    ("Minnesota Tier 3 teaching license, Mathematics 5-12: application submitted, pending") state
    theirs as its one line of the source did."""
    keys: tuple[str, ...] = ("position", "name", "organization", "institution", "studyType", "area")
    keys = (*keys, "description", "issuer", "title", "awarder", "summary")
    return [
        line
        for section in ("work", "volunteer", "education", "certificates", "awards")
        for e in source.get(section) or []
        if isinstance(e, dict)
        and (line := " ".join(str(e[k]) for k in keys if isinstance(e.get(k), str) and e[k]))
    ]


def source_lines(sample: Sample) -> list[str]:
    """The source's honest lines: what can ground an output line."""
    return _honest_lines(sample.source)


def _honest_lines(source: dict[str, Any]) -> list[str]:
    """The source's lines minus those written to steer an AI: an injected line grounds nothing."""
    from app.grounding import strip_injections

    return [kept for _, t in free_text(source) if (kept := strip_injections(t).strip())]


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
        if m.canonical in src.skills:
            continue
        if _only_inside_a_name(m.canonical, src.text):  # "SQL" where the source only says "MQL-to-SQL"
            found.append(("skill", m.raw, f"the source names {m.canonical!r} only inside another name"))
            continue
        if mentions(src.text, m.canonical) or _restated_skill(m.raw, src, listed=a_list_item(text)):
            continue
        if ordinary_word_after_an_abbreviation(m.raw, text[: m.start], src):
            continue  # "IV Access": access to a vein, not Microsoft Access
        answer = src.grounder.ground(m.canonical)
        if not answer.grounded:
            found.append(("skill", m.raw, answer.reason))
    return found


def _only_inside_a_name(canonical: str, source: str) -> bool:
    """An abbreviation the source writes only glued into a hyphenated name ("MQL-to-SQL")."""
    if not (canonical.isupper() and canonical.isalpha()):
        return False
    glued = re.search(rf"(?<![\w]){re.escape(canonical)}(?![\w])", source) is not None
    return glued and re.search(rf"(?<![\w-]){re.escape(canonical)}(?![\w-])", source) is None


def _restated_skill(raw: str, src: _Source, *, listed: bool = False) -> bool:
    """A skill named in words the source uses or their families ("Cost Reduction" for "reduced
    average part cost"), a personal trait ("Detail-oriented"), which no source can state, or, as a
    list item ("Coaching & mentoring"), a soft skill whose activity the source names in its own
    words ("Mentor two trainees"); in a sentence the word may name people ("for branch leadership")."""
    canonical = SkillLexicon.default().canonical(raw)
    return (
        canonical in PERSONAL_TRAITS
        or stated_by_family(raw, src.stems, src.families)
        or (listed and soft_skill_shown(canonical, src.stems))
    )


def _credentials(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    found = [
        ("degree", m.raw, "the source states no such degree")
        for m in find_degrees(text)
        if not degree_grounded(m.degree, src.degrees) and not contains_phrase(src.text, m.raw)
    ]
    return found + certification_offenses(text, src)


def _claims(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    return claim_offenses(text, src, lexicon)


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
        and not abbreviates_source_words(word, src.text)  # "IV" for "IVs", "P&C": property and casualty
        and not ordinary_word(word, start, text, src)  # "Sales Growth", "Labor & Delivery" for "L&D"
    ]


TEXT_CHECKS = (metric_offenses, _dates, _skills, _credentials, _claims, _entities)


def _in_text(sample: Sample, lexicon: SkillLexicon, src: _Source) -> list[Offense]:
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
                Offense(kind, span, detail, path)
                for kind, span, detail in check(text, src, lexicon)
                if not (listed and kind == "entity" and _ENGLISH_NOUN.search(span))
            ]  # a skills list's Title Case "Team Leadership & Development": an English noun, no name
    return offenses


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
    src = _Source.of(sample, lexicon, meaning=meaning)
    offenses = structured_offenses(sample) + _in_text(sample, lexicon, src) + trap_offenses(sample, src)
    offenses = _dedupe(offenses + copied_from_jd(sample))
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
