"""Certificates and degrees as structured values, for `fabrication`'s structured half: when a
certificate written out in full restates the source's, when a name spells out the source's
abbreviation, when a degree in any field of a parse is the source's."""

from __future__ import annotations

import re
from typing import Any

from app.grounding import (
    acronym_in,
    contains_phrase,
    content_words,
    degree_grounded,
    find_degrees,
    normalize_text,
    stem,
    tokens,
)


def _entry_text(entry: dict[str, Any]) -> str:
    return ", ".join(str(entry[k]) for k in ("name", "issuer") if entry.get(k))


# Words a certificate's name may gain or lose without naming another one ("OSHA 10-Hour" for "OSHA 10").
_CERT_FILLER = frozenset(
    {"hour", "certificate", "certification", "certified", "card", "credential", "license"}
)


def restates_entry(entry: dict[str, Any], source: dict[str, Any]) -> bool:
    """A certificate written out in full still names the source's own words for it, or says the
    same words once its spelled-out acronyms are contracted ("Occupational Safety and Health
    Administration 30-Hour" for "OSHA 30")."""
    from app.grounding import content_words, contract_expansions

    name = str(source.get("name") or "")
    if not name:
        return False
    written = _entry_text(entry)
    if contains_phrase(written, name):
        return True
    source_text = _entry_text(source)
    said = _cert_words(content_words(contract_expansions(without_glosses(written), source_text)))
    stated = _cert_words(content_words(without_glosses(source_text)))
    return bool(said) and said - _CERT_FILLER <= stated and stated - _CERT_FILLER <= said


def _cert_words(words: list[str]) -> set[str]:
    return {part for w in words for part in w.split("-") if len(part) > 1}  # "NREMT-P": its P is Paramedic


_PARENTHESIS_RE = re.compile(r"\s*\(([^()]{2,80})\)")


def without_glosses(name: str) -> str:
    """A name without a parenthesis that only restates other words of it: an acronym of them
    ("FAA Control Tower Operator (CTO) certificate") or the words of an acronym in it ("CRM (Crew
    Resource Management) Instructor")."""

    def drop(m: re.Match[str]) -> str:
        inner, rest = m.group(1).strip(), name[: m.start()] + " " + name[m.end() :]
        if inner.isalpha() and inner.isupper() and acronym_in(inner, rest):
            return ""
        acronyms = re.findall(r"\b[A-Z]{2,6}\b", rest)
        return "" if any(acronym_in(a, inner) for a in acronyms) else m.group(0)

    return _PARENTHESIS_RE.sub(drop, name)


_ISSUING_STATE_RE = re.compile(r"(?i)^(?:the\s+)?(?:state|commonwealth|province|government)\s+of\s+")
_SMALL = {"of", "and", "the", "for", "in", "&"}


def spells_out_a_stated_name(value: str, src_text: str) -> bool:
    """ "American Heart Association" for the source's "(AHA)", "Registered Nurse" for its "RN",
    "State of California" for its "California": the initials of a name the source abbreviates,
    or the state that issues a license, by the name the source gives it."""
    if (rest := _ISSUING_STATE_RE.sub("", value)) != value and contains_phrase(src_text, rest):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*|&", value) if w.lower() not in _SMALL]
    initials = "".join(w[0] for w in words)
    return (
        2 <= len(initials) <= 6
        and all(w[0].isupper() for w in words)
        and re.search(rf"(?<![\w/&-]){re.escape(initials.upper())}(?![\w/&-])", src_text) is not None
    )


_NUMBERED_RE = re.compile(r"\b(?:Section|Form|Part|Chapter|Title|Rule|Schedule)\s+(\d[\w.-]*)")


def numbered_as_source(value: str, src_text: str) -> str:
    """A credential as the source writes it: "EPA Section 608 Universal" is the source's "EPA 608
    Universal" (a numbered rule named in full), "California driver's license" its "CA driver's
    license" (a state by its postal code)."""
    from app.grounding import contract_place_names

    def bare(m: re.Match[str]) -> str:
        return m.group(0) if contains_phrase(src_text, m.group(0)) else m.group(1)

    return contract_place_names(_NUMBERED_RE.sub(bare, value), src_text)


def on_one_source_line(value: str, src_text: str) -> bool:
    """A credential the source states on one line, as a credential ("... (YMHFA) certified"), its
    words in their families ("clean driving record" for "driver's license, clean record")."""
    from evals.scorers._fabrication_families import same_family

    said = _cert_words(content_words(_possessives(without_glosses(value)))) - _CERT_FILLER
    written = {stem(w): w for w in tokens(_possessives(without_glosses(value)))}  # "driv": "driving"
    for line in src_text.splitlines():
        if not _CREDENTIAL_WORD.search(line):
            continue
        stated = _cert_words(content_words(_possessives(without_glosses(line))))
        words = set(tokens(_possessives(line)))
        if said and all(
            w in stated or (w in written and any(same_family(written[w], s) for s in words)) for w in said
        ):
            return True
    return False


def _possessives(text: str) -> str:
    return re.sub(r"(?i)(?<=\w)['’]s\b", "", text)


_CREDENTIAL_WORD = re.compile(r"(?i)certif|licen[cs]|credential|registered|accredited")


NO_SUCH_DEGREE = "the source states no such degree"


def degree_problem(value: str, src_text: str) -> str | None:
    """A degree is the source's when the source names the same degree (any spelling) and the
    value's other words: "Bachelor of Science in Industrial Engineering" for "B.S. Industrial
    Engineering"."""
    mentions = find_degrees(value)
    known = [m.degree for m in find_degrees(src_text)]
    if not all(degree_grounded(m.degree, known) for m in mentions):
        return NO_SUCH_DEGREE
    rest = value
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        rest = rest[: m.start] + " " + rest[m.end :]
    source_words = set(content_words(src_text))
    return None if set(content_words(rest)) <= source_words else "the source states no such value"


def abbreviates(long: str, short: str) -> bool:
    """ "American Board of Physical Therapy Specialties" for the source's "ABPTS", or back."""
    from app.grounding import expansion_before

    letters = short.replace(".", "")
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        return False
    return normalize_text(expansion_before(long, letters) or "") == normalize_text(long)


def same_degrees(value: str, slot: str) -> bool:
    got, wanted = [m.degree for m in find_degrees(value)], [m.degree for m in find_degrees(slot)]
    return bool(got) and bool(wanted) and all(degree_grounded(d, wanted) for d in got)
