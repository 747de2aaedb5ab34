"""The claims check of `fabrication`: seniority and credit words ("led", "award-winning", "expert")
must be the source's.

A claim word the source never uses is an offense, except where the source already says it:

- in another word of its group, on the line this one restates ("Headed the transition" for "Led
  the transition", "top" for "best", "Launched" for "Shipped");
- as a person who leads, for "leader" ("developing associates into leaders" for associates
  "promoted to assistant manager"; "Customer support leader" for a Director of Customer Support);
- as arithmetic, for "doubled" ("more than doubled ticket deflection" for "from 12% to 27%");
- as a plainer verb on a thing, for "managed" and its kin when no people are its object
  ("Managed engineering change orders" for "Process ECOs"); "managed a team" stays a claim;
- as praise of a skill the source states, for "expert" and "expertise" ("Deep expertise in running
  Kubernetes" where the source runs Kubernetes): puffery, not a new fact.

And a claim word the source does use elsewhere is still an offense when it takes credit on a line
whose source line gives none: "Led the SAP IBP rollout" for "Key user on the SAP IBP rollout".
"""

from __future__ import annotations

import re
from typing import Protocol

from app.grounding import SkillLexicon, content_words, stem, without_quantities
from app.pipeline import CLAIM_STEMS, LEADERSHIP_STEMS, SUPERLATIVE_STEMS
from evals.scorers._fabrication_credentials import certification_offenses
from evals.scorers._fabrication_numbers import multiple_fits


class ClaimSource(Protocol):
    text: str
    norm: str
    stems: set[str]
    skills: set[str]
    lines: list[set[str]]
    line_texts: list[str]
    credentials: str


_CERTIFICATION_STEMS = frozenset(stem(w) for w in ("certified", "certification"))
# Ways to say something was put in users' hands: "Launched" may restate "Shipped".
_RELEASE_STEMS = frozenset(
    stem(w)
    for w in "launched launch shipped ship released release deployed deploy delivered deliver rolled".split()
)
_LEADER_STEMS = frozenset(stem(w) for w in ("leader", "leaders", "leadership"))
_LEADS_STEMS = LEADERSHIP_STEMS | frozenset(
    stem(w) for w in "manager director supervisor head chief lead leader principal captain".split()
)
_MULTIPLE_STEMS = {stem(w): w for w in ("doubled", "tripled")}
_PRAISE_STEMS = frozenset(stem(w) for w in ("expert", "expertise", "strongest"))
# Verbs of credit: on a line whose source line gives no credit, each is a claim.
_CREDIT_STEMS = frozenset(
    stem(w)
    for w in "led lead leading headed spearheaded directed oversaw owned supervised architected pioneered".split()
)
# The same verbs as verbs: "Led", "owned"; "Lead" and "Own" only opening a line ("Team Lead" is a title).
_CREDIT_VERB_RE = re.compile(
    r"(?i)(?<![\w-])(led|leading|headed|spearheaded|directed|oversaw|owned|supervised|architected|pioneered)\b"
    r"|^\W*(lead|own|oversee|direct|head)\b"
)
_PEOPLE = re.compile(
    r"(?i)\b(?:team|teams|staff|people|person|employees|engineers|nurses|associates|agents|reports|"
    r"managers|leads|analysts|developers|designers|volunteers|interns|crew|crews|group|department|"
    r"direct reports|hires|planners|technicians|workers|members|students|specialists|patients?|"
    r"clients|customers|accounts|caseload)\b"
)


def claim_offenses(text: str, src: ClaimSource, lexicon: SkillLexicon) -> list[tuple[str, str, str]]:
    words = content_words(without_quantities(text))
    claimed = {w for w in words if w in CLAIM_STEMS} - src.stems
    for group in (LEADERSHIP_STEMS, SUPERLATIVE_STEMS, _RELEASE_STEMS):
        if claimed & group and _restates(group, set(words), src):
            claimed -= group  # "Headed the transition" for "Led the transition", "top" for "best"
    if claimed & _CERTIFICATION_STEMS and not certification_offenses(text, src):
        claimed -= _CERTIFICATION_STEMS  # "ACLS and BLS certified": the credentials check grounds it
    if claimed & _LEADER_STEMS and src.stems & _LEADS_STEMS:
        claimed -= _LEADER_STEMS
    claimed -= {
        w for w in claimed & set(_MULTIPLE_STEMS) if multiple_fits(_MULTIPLE_STEMS[w], text, src.line_texts)
    }
    found = []
    for m in re.finditer(r"[A-Za-z-]+", text):
        word = stem(m.group(0).lower())
        if word not in claimed:
            continue
        claimed.discard(word)
        if _said_of_others(text, m.start(), m.end()):
            continue  # "Trained new hires", "newly hired technologists", "best practices"
        after = _clause_after(text, m.end())
        plain = word in LEADERSHIP_STEMS and word not in _CREDIT_STEMS
        if plain and not _PEOPLE.search(after) and _restated_line(set(words) - LEADERSHIP_STEMS, src):
            continue  # "Managed engineering change orders" for "Process ECOs"
        if word in _PRAISE_STEMS and _praises_a_stated_skill(text, m.start(), src, lexicon):
            continue
        if word in _LED_STEMS and _led_a_stated_session(after, set(words) - LEADERSHIP_STEMS, src):
            continue  # "led small-group lessons" for "taught small-group lessons"
        found.append(("claim", m.group(0), "the source never claims this"))
    found += _credit_on_a_line_without_it(text, set(words), src) + _award_titles(text, src)
    found += _won_on_a_line_without_it(text, set(words), src) + _teaching_role(text, src)
    return found + _raised_standing(text, src)


# A standing the source must state in these words: a language level ("Bilingual" for "Spanish
# (conversational)") or an authorship ("First-authored" for "Co-author (4th of 7 authors)").
_STANDING_RE = re.compile(
    r"(?i)\b(?:bilingual|trilingual|multilingual|fluent|fluency|native[- ](?:speaker|level|fluency)"
    r"|(?:first|lead|sole|senior|corresponding)[- ]author(?:ed|ship)?)\b"
)


def _raised_standing(text: str, src: ClaimSource) -> list[tuple[str, str, str]]:
    found = []
    for m in _STANDING_RE.finditer(text):
        head = re.split(r"[- ]", m.group(0).lower())[0]  # "first" of "First-authored", "bilingual"
        said = rf"(?i)\b{head}[- ]?author" if "author" in m.group(0).lower() else rf"(?i)\b{head[:5]}"
        if not re.search(said, src.text):
            found.append(("claim", m.group(0), "the source states no such standing"))
    return found


_LED_STEMS = frozenset(stem(w) for w in ("led", "lead", "leading"))
# What one leads by holding it: a lesson, a session, a meeting. "Led" one restates "taught", "ran",
# "held" or "gave" it, when the source line it restates names the same kind of event.
_SESSIONS = frozenset(
    stem(w)
    for w in """lesson lessons session sessions class classes workshop workshops meeting meetings
    huddle huddles training trainings seminar seminars webinar webinars tour tours demo demos
    discussion discussions briefing briefings drill drills rounds""".split()
)


def _led_a_stated_session(after: str, others: set[str], src: ClaimSource) -> bool:
    held = set(content_words(after)[:4]) & _SESSIONS
    return bool(held) and any(src.lines[i] & held for i in _restated_line(others, src))


_AWARD_RE = re.compile(
    r"(?i)\b(?:[\w'-]+\s+){1,3}of\s+the\s+(?:year|month|quarter)\b|\bpresident'?s\s+club\b"
)


def _award_titles(text: str, src: ClaimSource) -> list[tuple[str, str, str]]:
    """ "Named the district's Counselor of the Year": an award by its title, which the source must
    state ("Planner of the Year" or the words of it)."""
    found = []
    for m in _AWARD_RE.finditer(text):
        title = re.sub(r"(?i)^.*?\b(?=\w+\s+of\s+the\b)", "", m.group(0))
        if not re.search(re.escape(title), src.text, re.IGNORECASE):
            found.append(("claim", m.group(0), "the source names no such award"))
    for m in _NAMED_AWARD_RE.finditer(text):
        words = set(content_words(without_quantities(m.group(1))))
        if words and not any(words <= line for line in src.lines):
            found.append(("claim", m.group(0), "the source names no such award"))  # "national" for "regional"
    return found


# "2017 national visual merchandising award": the words that name an award, on one source line.
_NAMED_AWARD_RE = re.compile(r"(?i)\b((?:[\w'-]+\s+){1,4}?)(?:award|prize|medal)s?\b")


def _clause_after(text: str, at: int) -> str:
    return re.split(r"[,;.:()]|\band\b", text[at:], maxsplit=1)[0]


def _praises_a_stated_skill(text: str, at: int, src: ClaimSource, lexicon: SkillLexicon) -> bool:
    clause = re.split(r"[;.]", text[at:], maxsplit=1)[0]
    before = re.split(r"[;.,]", text[:at])[-1]
    named = {m.canonical for m in lexicon.find(before + " " + clause)}
    if named & src.skills:
        return True
    # "Expert in technical discovery, tailored demonstrations and proof-of-concept execution": praise of
    # what the source's own words say the candidate does (at least three, and seven in ten of them).
    praised = [w for w in content_words(without_quantities(clause))[1:] if w not in _PRAISE_STEMS]
    return len(praised) >= 3 and sum(w in src.stems for w in praised) >= 0.7 * len(praised)


def _restated_line(others: set[str], src: ClaimSource) -> list[int]:
    """The source lines this output line restates: two or more of its content words, and at least a
    third of the shorter line's."""
    return [
        i for i, line in enumerate(src.lines) if len(line & others) >= max(2, min(len(others), len(line)) / 3)
    ]


def _credit_on_a_line_without_it(text: str, words: set[str], src: ClaimSource) -> list[tuple[str, str, str]]:
    """ "Led the SAP IBP rollout" for "Key user on the SAP IBP rollout": a credit verb the source
    uses elsewhere, on a line restating one that gives no credit (in any word of the group)."""
    verbs = [m.group(1) or m.group(2) for m in _CREDIT_VERB_RE.finditer(text)]
    spans = [v for v in verbs if stem(v.lower()) in src.stems]
    if not spans:
        return []
    restated = _restated_line(words - LEADERSHIP_STEMS, src)
    if not restated or any(
        src.lines[i] & _LEADS_STEMS or _CREDIT_VERB_RE.search(src.line_texts[i]) for i in restated
    ):
        return []
    return [("claim", spans[0], "the line it restates gives no such credit")]


def _restates(group: frozenset[str], words: set[str], src: ClaimSource) -> bool:
    """Whether a source line this output line restates already says it in another word of the
    group (led, ran, supervised...): a line that shares two or more of the output line's other
    content words, and at least a third of the shorter line's (a merged line restates each of
    its sources), unless the part of that line it restates gives the candidate a supporting role
    ("Took part in the rollout; run the morning trials" does not say it led the rollout)."""
    others = words - group
    return any(
        len(line & others) >= max(2, min(len(others), len(line - group)) / 3)
        and bool(line & group)
        and not _SUPPORTING_RE.search(_closest_clause(src.line_texts[i], others))
        for i, line in enumerate(src.lines)
    )


_SUPPORTING_RE = re.compile(
    r"(?i)\b(?:took part|take part|taking part|participated|participate|assisted|assist|helped|help"
    r"|contributed|contribute|supported|key user|member of|as part of)\b"
)


def _closest_clause(line: str, words: set[str]) -> str:
    clauses = [c for c in re.split(r";\s|\.\s", line) if c.strip()] or [line]
    return max(clauses, key=lambda c: len(set(content_words(c)) & words))


# A claim word that names other people or a set phrase, not the candidate's credit: "new hires",
# "newly hired technologists", "engineering hires", "best practices".
_OTHERS_BEFORE = re.compile(r"(?i)\b(?:new|newly|recent|recently|incoming|future|[a-z]+ing)\s+$")
_SET_PHRASE = re.compile(r"(?i)^best\s+practices?\b")


def _said_of_others(text: str, start: int, end: int) -> bool:
    word = text[start:end].lower()
    if word.startswith("hire") and _OTHERS_BEFORE.search(text[:start]):
        return True
    return _SET_PHRASE.match(text[start:]) is not None


# Winning a grant, a contract or a deal is credit: the line it restates must state a win, or the
# writing or securing of it ("Won ... grant" for "Secured ... grant"), not managing what was won.
_WON_RE = re.compile(r"(?i)\b(?:won|secured|landed)\b")
_WON_SAID = re.compile(
    r"(?i)\b(?:won|win|wins|winning|secured|secure|landed|awarded|wrote|written|write|writes|authored"
    r"|brought in|raised|closed)\b"
)


def _won_on_a_line_without_it(text: str, words: set[str], src: ClaimSource) -> list[tuple[str, str, str]]:
    """ "Wrote and won a $480,000 grant" for "Manage our ... grant ($480,000)": a win claimed on a
    line whose restated source lines state no win, writing or securing of it."""
    m = _WON_RE.search(text)
    if m is None:
        return []
    restated = _restated_line(words - LEADERSHIP_STEMS, src)
    if not restated or any(_WON_SAID.search(src.line_texts[i]) for i in restated):
        return []
    return [("claim", m.group(0), "the line it restates gives no such credit")]


# A role of teaching others ("IV-room trainer for all new technicians", "preceptor"): the source must
# name the role, or say the candidate teaches someone ("Precept new-graduate therapists", "Trained new
# agents"), not that the candidate was trained ("Trained in tech-check-tech", "trained, not signed off").
_TEACHING_ROLE_RE = re.compile(r"(?i)\b(?:trainer|instructor|preceptor)s?\b")
_TEACHES_RE = re.compile(
    r"(?i)(?<!been )(?<!was )(?<!were )(?<!being )(?<!got )"
    r"\b(?:train|trains|trained|training|teach|teaches|taught|teaching|precept\w*|instruct\w*|coach\w*"
    r"|mentor\w*|orient|orients|oriented|onboard\w*)[ \t]+(?!(?:in|on|as|at|for|under|by|to|with|and)\b)[a-z]"
)


def _teaching_role(text: str, src: ClaimSource) -> list[tuple[str, str, str]]:
    m = _TEACHING_ROLE_RE.search(text)
    if m is None or _TEACHING_ROLE_RE.search(src.text) or _TEACHES_RE.search(src.text):
        return []
    return [("claim", m.group(0), "the source never says the candidate teaches others")]
