"""The requirements one JD line states, as whole phrases.

A line is read into items, each a span of the line with the name it gives a requirement: skills
of the lexicon, degrees with their field ("BS in Computer Science"), compound names kept whole
("SAP IBP", "APICS CPIM", "Google Analytics 4"), other acronyms, and the objects of cue phrases
("experience with stakeholder reporting"). Items joined by "or" are one requirement with
alternatives ("Tableau or Power BI", "Zendesk, Freshdesk or similar"); items joined by "and" or a
comma alone are separate requirements. Nothing is named by what is left of a line once the skills
are taken out of it, so no requirement is a fragment ("and frameworks", "or advanced analytics").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.grounding._degrees import find_degrees
from app.grounding._match import is_open_alternative
from app.grounding._normalize import STOPWORDS, normalize_text
from app.grounding._skills import SkillLexicon

_PHRASE_RE = re.compile(
    r"(?:experience (?:with|in)|knowledge of|proficien(?:t|cy) (?:in|with)|familiarity with|expertise in|"
    r"background in|skilled in|understanding of|certified in|certification in)\s+"
    r"(?P<x>[a-z0-9][a-z0-9&/+#.' -]{2,60}?)(?=[,.;:()]| and | or | to | for | such | including | like |$)",
    re.IGNORECASE,
)
_LEADING_DETERMINER = re.compile(
    r"^(?:a|an|the|some|any|our|your|their|its|this|these|that)\s+", re.IGNORECASE
)
_PRONOUNS = {"you", "your", "yours", "we", "our", "ours", "they", "their", "it", "its", "us", "them"}
_ACRONYM_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9&]{1,6}(?![A-Za-z0-9])")
_ACRONYM_STOP = frozenset(
    """US USA EU UK OR AND CV JD OK HQ FTE PTO EOE TBD ETC NOTE AI IT WE YOU THE A I NB PS FAQ DEI NYC
    SF LA
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND
    OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ON BC QC NSW OTE DOE EEO EEOC ID USD EUR GBP CAD
    K M B Q1 Q2 Q3 Q4 FY YOY""".split()
)
# A phrase made only of these names no requirement: "platforms", "databases", "tools and practices".
GENERIC = frozenset(
    """fast paced environment environments team teams dynamic startup start company industry field related
    similar role position work working years year plus strong good excellent great solid proven relevant
    equivalent setting large small platform platforms database databases framework frameworks tool tools
    technology technologies practice practices strategy strategies method methods methodology methodologies
    system systems solution solutions application applications concept concepts principle principles
    process processes technique techniques development skill skills ability abilities knowledge
    experience understanding background area areas best various other others modern new""".split()
)
_EXAMPLES_NEXT = re.compile(r"\s*,?\s*(?:such as|including|like|e\.g\.|for example)\b", re.IGNORECASE)
_FIELD_WORDS = (
    r"(?:(?!(?:or|and|with|from|to|for|in|of|a|an|the|is|are|preferred|required)\b)[A-Za-z][\w&/-]+)"
)
_FIELD = re.compile(rf"\s+in\s+({_FIELD_WORDS}(?:\s+(?:&\s+)?{_FIELD_WORDS}){{0,3}})")
# Another field after the first: "in molecular biology, cell biology or a related field".
_MORE_FIELD = re.compile(
    rf"(?:\s*,\s*(?:or\s+)?|\s+or\s+)((?:a\s+|an\s+|other\s+)?{_FIELD_WORDS}(?:\s+{_FIELD_WORDS}){{0,3}})"
)
_VERSION_NEXT = re.compile(
    r" (\d{1,4}(?:\.\d{1,3})*)(?![\d+%]|\.\d)(?!\s*(?:\+|%|years?|yrs?|months?|hours?|days?|x)\b)"
)
_SHOUT = re.compile(r"\b[A-Z]{2,}(?:[\s\u2014\u2013-]+[A-Z]{2,}){2,}\b")
_LINK = re.compile(  # a gloss in brackets may sit between: "CCRP (SOCRA) or CCRC (ACRP)"
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*(?:(?P<a>and|&)|(?P<o>or|and/or|nor))?|(?P<a2>and|&)|(?P<o2>or|and/or|nor)|/)?\s*"
)
_TAIL = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?,?\s*(?:and/)?or\s+(?P<t>[A-Za-z][A-Za-z0-9 &/+#.'-]*?)"
    r"(?=\s*[,.;:()]|\s+(?:and|to|for|with|in|as|is|are|preferred|required|a plus)\b|\s*$)"
)

_TAIL_LEAD = re.compile(r"^(?:(?:a|an|the|any|some|other|another)\s+)+", re.IGNORECASE)
_TAIL_TRAIL = re.compile(r"\s+(?:experience|skills?|knowledge|expertise)$", re.IGNORECASE)
_OPEN_FIRST = frozenset("similar equivalent comparable related relevant alternative".split())


ItemKind = Literal["skill", "degree", "compound", "acronym", "phrase", ""]


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    name: str  # the lexicon's name for a skill; the JD's own words otherwise
    kind: ItemKind
    options: tuple[str, ...] = ()  # a degree in one of several fields: each degree it accepts


@dataclass(frozen=True)
class LineRequirement:
    name: str  # the JD's whole phrase ("Tableau or Power BI")
    alternatives: tuple[str, ...] = ()  # any one meets it; () for a requirement of one thing


def _overlaps(a: Item, items: list[Item]) -> bool:
    return any(a.start < b.end and b.start < a.end for b in items)


def _degrees(line: str) -> list[Item]:
    """Degrees with their field, a list of fields read as alternatives: "PhD in molecular biology,
    cell biology or related field" accepts a PhD in either (the open "related field" names none)."""
    out: list[Item] = []
    for d in sorted(find_degrees(line), key=lambda d: (d.start, -(d.end - d.start))):
        end, fields = d.end, []
        field = _FIELD.match(line, end)
        while field:
            end = field.end()
            fields.append(field.group(1))
            field = _MORE_FIELD.match(line, end)
        degree = " ".join(line[d.start : d.end].split())
        named = [f for f in (_TAIL_LEAD.sub("", f) for f in fields) if not _is_open(f)]
        options = tuple(f"{degree} in {f}" for f in named) if len(fields) > 1 else ()
        item = Item(d.start, end, " ".join(line[d.start : end].split()), "degree", options)
        if not _overlaps(item, out):
            out.append(item)
    return [_share_fields(line, item, out[i + 1]) if i + 1 < len(out) else item for i, item in enumerate(out)]


def _share_fields(line: str, item: Item, following: Item) -> Item:
    """ "Bachelor's or Master's degree in Computer Science": the field belongs to both degrees."""
    if " in " in item.name or not re.fullmatch(r"\s*,?\s*or\s+", line[item.end : following.start]):
        return item
    fields = [o.split(" in ", 1)[1] for o in following.options or (following.name,) if " in " in o]
    return Item(item.start, item.end, item.name, item.kind, tuple(f"{item.name} in {f}" for f in fields))


def _acronyms(line: str, lexicon: SkillLexicon, taken: list[Item]) -> list[Item]:
    shouted = [Item(m.start(), m.end(), "", "") for m in _SHOUT.finditer(line) if _is_shouting(m.group(0))]
    out = []
    for m in _ACRONYM_RE.finditer(line):
        token = m.group(0)
        item = Item(m.start(), m.end(), token, "acronym")
        if (
            token not in _ACRONYM_STOP
            and token.lower() not in STOPWORDS
            and lexicon.canonical(token) is None
            and not _overlaps(item, taken + shouted)
        ):
            out.append(item)
    return out


def _is_shouting(run: str) -> bool:
    """ "IMPORTANT — READ BEFORE APPLYING" is prose in capitals; "APICS CPIM CSCP" is acronyms."""
    return any(w.lower() in STOPWORDS or len(w) >= 8 for w in re.findall(r"[A-Z]+", run))


def _compounds(line: str, items: list[Item]) -> list[Item]:
    """ "SAP IBP", "APICS CPIM", "SHRM-CP", "Google Analytics 4": a name and the acronym or version
    written right after it are one name. Two skills side by side stay two ("Python SQL")."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if (
            prev is not None
            and line[prev.end : item.start] in (" ", "-")
            and "acronym" in (prev.kind, item.kind)
            and prev.kind != "degree"
            and item.kind != "degree"
        ):
            out[-1] = Item(prev.start, item.end, line[prev.start : item.end], "compound")
            continue
        out.append(item)
    for i, item in enumerate(out):
        version = _VERSION_NEXT.match(line, item.end) if item.kind == "skill" else None
        if version and not any(o.start == version.start(1) for o in out):
            out[i] = Item(item.start, version.end(1), line[item.start : version.end(1)], "compound")
    return out


def _phrase_ok(phrase: str) -> bool:
    words = normalize_text(phrase).split()
    content = [w for w in words if w not in STOPWORDS]
    return bool(
        content
        and len(words) <= 4
        and words[0] not in ("and", "or", "nor", "&")
        and not all(w in GENERIC for w in content)
        and not any(w in _PRONOUNS for w in words)
    )


def _phrases(line: str, taken: list[Item]) -> list[Item]:
    out = []
    for m in _PHRASE_RE.finditer(line):
        raw = m.group("x")
        lead = len(raw) - len(raw.lstrip(" .-'"))
        text = _LEADING_DETERMINER.sub("", raw.strip(" .-'"))
        start = m.start("x") + lead + (len(raw.strip(" .-'")) - len(text))
        item = Item(start, start + len(text), " ".join(text.split()), "phrase")
        if _overlaps(item, taken) or not _phrase_ok(text):
            continue  # a phrase around a skill is the skill; what a skill leaves behind is no phrase
        if _EXAMPLES_NEXT.match(line, m.end("x")):
            continue  # "database technologies such as Oracle or MySQL": the examples are the requirement
        out.append(item)
    return out


def line_items(line: str, lexicon: SkillLexicon) -> list[Item]:
    """The items of one JD line, in order, not overlapping."""
    degrees = _degrees(line)
    skills = [Item(m.start, m.end, m.canonical, "skill") for m in lexicon.find(line)]
    items = degrees + [s for s in skills if not _overlaps(s, degrees)]
    items += _acronyms(line, lexicon, items)
    items = _compounds(line, sorted(items, key=lambda i: i.start))
    items += _phrases(line, items)
    items.sort(key=lambda i: i.start)
    return [i for n, i in enumerate(items) if not _is_gloss(line, i, items[n - 1] if n else None)]


def _is_gloss(line: str, item: Item, before: Item | None) -> bool:
    """ "Bachelor of Science in Nursing (BSN)", "search engine optimization (SEO)": the acronym in
    brackets restates the item before it."""
    if before is None or (item.kind not in ("acronym", "degree") and item.name != before.name):
        return False
    return line[before.end : item.start].strip() == "(" and line[item.end : item.end + 1] == ")"


def _link(line: str, a: Item, b: Item) -> str | None:
    """How two neighbouring items are joined: "or", "and", "," or None (not one list)."""
    m = _LINK.fullmatch(line, a.end, b.start)
    if m is None:
        return None
    if m.group("o") or m.group("o2"):
        return "or"  # a "/" is not: "English/Spanish" asks for both
    if m.group("a") or m.group("a2"):
        return "and"
    return ","


def _is_open(words: str) -> bool:
    """ "similar", "equivalent experience", "related engineering discipline": nothing a resume can show."""
    return not words.split() or is_open_alternative(words) or words.split()[0].lower() in _OPEN_FIRST


def _tail(line: str, end: int, items: list[Item]) -> tuple[int, str | None] | None:
    """An "or ..." after a list that is not an item: its end, and the alternative it names (None for
    an open one such as "or similar")."""
    m = _TAIL.match(line, end)
    if m is None or _overlaps(Item(m.start("t"), m.end("t"), "", ""), items):
        return None
    words = m.group("t").split()
    if not 1 <= len(words) <= 5:
        return None
    text = _TAIL_LEAD.sub("", m.group("t"))
    if _is_open(text):
        return m.end("t"), None  # "or a related field", "or similar tools": the JD leaves it open
    text = _TAIL_TRAIL.sub("", text)
    return (m.end("t"), text) if text and _phrase_ok(text) else None


def line_requirements(line: str, lexicon: SkillLexicon) -> list[LineRequirement]:
    """The requirements a JD line states, in order: single items, and lists of alternatives."""
    items = line_items(line, lexicon)
    groups: list[list[Item]] = []
    links: list[list[str]] = []
    for i, item in enumerate(items):
        join = _link(line, items[i - 1], item) if i else None
        if join is None or join == "and":
            groups.append([item])
            links.append([])
        else:
            groups[-1].append(item)
            links[-1].append(join)
    out: list[LineRequirement] = []
    for group, joins in zip(groups, links, strict=True):
        tail = _tail(line, group[-1].end, items)
        if "or" not in joins and tail is None:
            out += [LineRequirement(item.name, item.options) for item in group]
            continue
        end = tail[0] if tail else group[-1].end
        alternatives = [o for item in group for o in item.options or (item.name,)]
        alternatives += [tail[1]] if tail and tail[1] else []
        name = " ".join(line[group[0].start : end].split())
        out.append(LineRequirement(name, tuple(dict.fromkeys(alternatives))))
    return out
