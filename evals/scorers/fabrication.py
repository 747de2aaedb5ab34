"""`fabrication`: is anything in the output not grounded in the source resume?

Offense kinds: employer, title, date, degree, school, certification (structured fields that
changed or entries that appeared), metric (a quantity the source never states), skill (a skill
the source never states, or a trap requirement claimed), claim (seniority or credit words such as
"led" or "award-winning" the source never uses), entity (a proper name the source never mentions).

Paraphrase is not fabrication: "ML" = "machine learning", "Jan 2020" = "01/2020", "five" = "5".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.grounding._dates import MONTHS, PRESENT, PartialDate, find_dates, parse_date
from app.grounding._degrees import Degree, degree_grounded, find_degrees
from app.grounding._match import mentions
from app.grounding._normalize import STOPWORDS, contains_phrase, content_words, normalize_text
from app.grounding._numbers import Quantity, find_quantities, without_quantities
from app.grounding._skills import SkillLexicon
from app.grounding._variants import acronym_in, same_name
from app.pipeline._guard import CLAIM_STEMS
from app.resume._document import iter_strings
from evals.scorers._base import Offense, Sample, Score, ratio, scorer

# (section, field, kind): structured fields that must equal the source's, entry by entry.
STRUCTURED = [
    ("work", "name", "employer"),
    ("work", "position", "title"),
    ("work", "startDate", "date"),
    ("work", "endDate", "date"),
    ("volunteer", "organization", "employer"),
    ("volunteer", "position", "title"),
    ("education", "institution", "school"),
    ("education", "studyType", "degree"),
    ("education", "area", "degree"),
    ("education", "startDate", "date"),
    ("education", "endDate", "date"),
    ("certificates", "name", "certification"),
    ("certificates", "issuer", "certification"),
    ("awards", "title", "claim"),
    ("projects", "name", "entity"),
]
CERT_RE = re.compile(
    r"\b(?:certified|certification|certificate|licensed|license)\b[^.;,]{0,40}", re.IGNORECASE
)
_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_FREE_TEXT_KEYS = {"summary", "highlights", "keywords", "description", "label", "courses"}


def _free_text(resume: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for path, text in iter_strings(resume):
        keys = [p for p in path if isinstance(p, str)]
        if keys and keys[-1] in _FREE_TEXT_KEYS and text.strip():
            out.append((".".join(str(p) for p in path), text))
    return out


def _field_problem(kind: str, value: str, slot: Any, src_values: set[str], src_text: str) -> str | None:
    """Why a structured output value is not grounded, or None when it is.

    The same value as the source entry's is fine; another entry's value is a swap; a value the
    source text states verbatim is a faithful reading of a text resume ("Registered Nurse,
    Medical ICU" for a parse that split title and unit); anything else was invented.
    """
    if kind == "date":
        got = parse_date(value)
        if got is None:
            return None
        if slot:
            wanted = parse_date(str(slot))
            return None if wanted is not None and got.same_as(wanted) else f"was {slot!r}"
        return None if any(got.same_as(d) for d in find_dates(src_text)) else "the source has no such date"
    norm = normalize_text(value)
    if slot is not None and norm == normalize_text(str(slot)):
        return None
    if kind == "degree" and slot is not None and _same_degrees(value, str(slot)):
        return None  # "Bachelor of Science" for "BSc"
    if kind in ("title", "certification", "employer") and slot is not None and same_name(value, str(slot)):
        return None  # "Sr. Account Executive" for "Senior Account Executive"
    if norm in src_values:
        return f"was {slot!r}: this belongs to another entry" if slot is not None else None
    return None if contains_phrase(src_text, value) else "the source states no such value"


def _same_degrees(value: str, slot: str) -> bool:
    got, wanted = [m.degree for m in find_degrees(value)], [m.degree for m in find_degrees(slot)]
    return bool(got) and bool(wanted) and all(degree_grounded(d, wanted) for d in got)


def _structured(sample: Sample) -> list[Offense]:
    offenses = []
    for section, key, kind in STRUCTURED:
        src_entries = [e for e in sample.source.get(section) or [] if isinstance(e, dict)]
        src_values = {normalize_text(str(e[key])) for e in src_entries if e.get(key)}
        for i, entry in enumerate(sample.output.get(section) or []):
            value = entry.get(key) if isinstance(entry, dict) else None
            if not value:
                continue
            slot = src_entries[i].get(key) if i < len(src_entries) else None
            problem = _field_problem(kind, str(value), slot, src_values, sample.grounding_text)
            if problem:
                path = f"{section}[{i}].{key}"
                offenses.append(Offense(kind, str(value), f"{path}: {problem}", path))
    return offenses


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

    @classmethod
    def of(cls, sample: Sample, lexicon: SkillLexicon) -> _Source:
        text = sample.grounding_text
        return cls(
            text=text,
            norm=normalize_text(text),
            quantities=find_quantities(text),
            dates=find_dates(text),
            skills={m.canonical for m in lexicon.find(text)},
            stems=set(content_words(text)),
            degrees=[m.degree for m in find_degrees(text)],
        )


def _metrics(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    return [
        ("metric", _original_span(text, q.raw), "no such number in the source")
        for q in find_quantities(text)
        if not any(q.matches(k) for k in src.quantities) and not _is_year(q.value, src.dates)
    ]


def _dates(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    return [
        ("date", d.iso(), "no such date in the source")
        for d in find_dates(text)
        if d is not PRESENT and not any(d.same_as(s) for s in src.dates)
    ]


def _skills(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    """A skill is grounded when the source names it, or states it in other word forms (the same
    matcher that decides evidence: "audit" grounds "auditing")."""
    return [
        ("skill", m.raw, f"the source never states {m.canonical}")
        for m in lexicon.find(text)
        if m.canonical not in src.skills and not mentions(src.text, m.canonical)
    ]


def _credentials(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    found = [
        ("degree", m.raw, "the source states no such degree")
        for m in find_degrees(text)
        if not degree_grounded(m.degree, src.degrees) and not contains_phrase(src.text, m.raw)
    ]
    found += [
        ("certification", c.group(0).strip(), "the source states no such certification")
        for c in CERT_RE.finditer(text)
        if not _credential_grounded(c.group(0), src)
    ]
    return found


_CREDENTIAL_STOP_RE = re.compile(r"\b(?:and|or|with|for|since|from|at|by|to|who|which)\b|[(]", re.IGNORECASE)


def _credential_grounded(mention: str, src: _Source) -> bool:
    """ "licensed CPA" is grounded by a source that names the CPA; "certified management accountant"
    needs "certified" and "management accountant" in the source; "AWS Certified data scientist" needs
    the source to say "certified" at all."""
    trigger, _, rest = mention.strip().partition(" ")
    rest = re.sub(r"^(?:in|as|an?|the)\s+", "", rest.strip(), flags=re.IGNORECASE)
    words = _CREDENTIAL_STOP_RE.split(rest, maxsplit=1)[0].split()
    root = "licens" if trigger.lower().startswith("licens") else "certifi"
    trigger_stated = re.search(rf"(?<![a-z]){root}", src.norm) is not None  # "ACLS-certified" counts
    if not words:
        return trigger_stated
    if all(w.rstrip("s").isupper() for w in words):  # "CPA": the credential names itself
        return all(contains_phrase(src.text, w) or acronym_in(w, src.text) for w in words)
    return trigger_stated and contains_phrase(src.text, " ".join(words))


def _claims(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    claimed = {w for w in content_words(without_quantities(text)) if w in CLAIM_STEMS} - src.stems
    found = []
    for word in re.findall(r"[A-Za-z-]+", text):
        if word.lower() in claimed or (len(word) > 4 and word.lower()[:-1] in claimed):
            found.append(("claim", word, "the source never claims this"))
            claimed.discard(word.lower())
    return found


def _entities(text: str, src: _Source, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    skill_spans = [(m.start, m.end) for m in lexicon.find(text)]
    skill_spans += [(m.start, m.end) for m in find_degrees(text)]  # "M.S." is a degree, not a name
    return [
        ("entity", word, "the source never mentions this name")
        for start, word in _proper_names(text)
        if not any(a <= start < b for a, b in skill_spans)
        and not contains_phrase(src.text, word)
        and lexicon.canonical(word) is None
        and not (word.rstrip("s").isupper() and acronym_in(word, src.text))  # "PRs": pull requests
    ]


TEXT_CHECKS = (_metrics, _dates, _skills, _credentials, _claims, _entities)


def _in_text(sample: Sample, lexicon: SkillLexicon) -> list[Offense]:
    src = _Source.of(sample, lexicon)
    return [
        Offense(kind, span, detail, path)
        for path, text in _free_text(sample.output)
        for check in TEXT_CHECKS
        for kind, span, detail in check(text, src, lexicon)
    ]


def _traps(sample: Sample) -> list[Offense]:
    out_text = sample.output_text
    offenses = []
    for trap in sample.case.unevidenced_requirements:
        if mentions(out_text, trap) and not mentions(sample.grounding_text, trap):
            line = next((t for _, t in _free_text(sample.output) if mentions(t, trap)), trap)
            offenses.append(
                Offense("skill", _find_span(line, trap), f"trap requirement {trap!r} claimed", "")
            )
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


def _find_span(text: str, phrase: str) -> str:
    """The exact text in `text` that names `phrase`: literally, or through the skills lexicon."""
    match = re.search(re.escape(phrase), text, re.IGNORECASE)
    if match:
        return match.group(0)
    lexicon = SkillLexicon.default()
    canonical = lexicon.canonical(phrase)
    mention = next((m for m in lexicon.find(text) if m.canonical == canonical), None)
    return mention.raw if mention else text


def _dedupe(offenses: list[Offense]) -> list[Offense]:
    seen, out = set(), []
    for o in offenses:
        key = (o.kind, normalize_text(o.span), o.path)
        if key not in seen:
            seen.add(key)
            out.append(o)
    return out


@scorer("fabrication")
def fabrication(sample: Sample) -> Score:
    """Employers, titles, dates, degrees, certifications unchanged; every number, skill and name grounded."""
    lexicon = SkillLexicon.default()
    offenses = _dedupe(_structured(sample) + _in_text(sample, lexicon) + _traps(sample))
    lines = _free_text(sample.output)
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
