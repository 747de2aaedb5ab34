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
from itertools import pairwise
from typing import Literal

from app.grounding._degrees import find_degrees
from app.grounding._match import is_open_alternative
from app.grounding._normalize import STOPWORDS, normalize_text
from app.grounding._skills import SkillLexicon
from app.grounding._taxonomy import Taxonomy

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
# A one-word object followed by "and"/"or" and a longer noun phrase modifies that phrase's head:
# "federal and state payroll tax filings".
_SHARED_MODIFIER = re.compile(r"\s+(?:and|or|and/or)\s+[\w-]+\s+[\w-]+\s+[\w-]+")
_KIND_WORDS = frozenset("practices principles concepts techniques methods methodologies fundamentals".split())
_CONJUNCT = r"[a-z][a-z0-9&/+#.'-]*(?: [a-z0-9&/+#.'-]+){0,3}"
# More objects after a cue phrase's first: ", human services or food security" (a comma, then a last "or").
_PHRASE_LIST = re.compile(
    rf"(?:\s*,\s*(?!(?:and|or)\b){_CONJUNCT})+\s*,?\s+(?:and/)?or\s+{_CONJUNCT}(?=\s*[,.;:()]|\s*$)",
    re.IGNORECASE,
)
_ALT_SEP = re.compile(r"\s*,\s*(?:(?:and/)?or\s+)?|\s+(?:and/)?or\s+")
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
# A degree level written bare before "or" and a degree: "Associate or bachelor's degree in ...".
_LEVEL_BEFORE = re.compile(r"\b(associate|bachelor|master|doctoral|doctorate)\s*,?\s+or\s+$", re.IGNORECASE)
_SHOUT = re.compile(r"\b[A-Z]{2,}(?:[\s\u2014\u2013-]+[A-Z]{2,}){2,}\b")
_LINK = re.compile(  # a gloss in brackets may sit between: "CCRP (SOCRA) or CCRC (ACRP)"; or a
    # credential noun: "RN license, or NCLEX"
    r"(?:\s+(?:license|licensure|certification|certificate|registration|credential)s?(?=\s*(?:,|or\b)))?"
    r"\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*(?:(?P<a>and|&)|(?P<o>or|and/or|nor))?|(?P<a2>and|&)|(?P<o2>or|and/or|nor)|/)?\s*(?:(?<=or\s)(?:a|an)\s+)?"
)
_TAIL = re.compile(
    r"\s*(?:\([^()]{1,40}\)\s*)?,?\s*(?:and/)?or\s+(?P<t>[A-Za-z][A-Za-z0-9 &/+#.'-]*?)"
    r"(?=\s*[,.;:()]|\s+(?:and|to|for|with|in|as|is|are|preferred|required|a plus)\b|\s*$)"
)

_TAIL_LEAD = re.compile(r"^(?:(?:a|an|the|any|some|other|another)\s+)+", re.IGNORECASE)
_TAIL_TRAIL = re.compile(r"\s+(?:experience|skills?|knowledge|expertise)$", re.IGNORECASE)
_OPEN_FIRST = frozenset("similar equivalent comparable related relevant alternative".split())


ItemKind = Literal["skill", "degree", "compound", "acronym", "phrase", "name", "list", ""]

# A list of examples in brackets: "(Pyxis or Omnicell)", "(e.g., HHS, USDA, HRSA)", "(k6, JMeter, or Gatling)".
_BRACKET = re.compile(r"\(([^()]{2,160})\)")
_EXAMPLE_CUE = re.compile(
    r"\s*(?:e\.g\.|eg\.|e\.g|such as|including|incl\.|for example|for instance|like)\s*[,:]?\s*",
    re.IGNORECASE,
)
_ENTRY_SEP = re.compile(r"\s*(?:,\s*(?:(?:and/or|or|and|nor)\s+)?|/|\s(?:and/or|or|nor|and)\s)\s*")
_NOT_EXAMPLES = re.compile(
    r"\b(?:preferred|required|years?|yrs?|months?|plus|ideally|minimum|must|strongly|highly|only|not)\b|\d\s*\+",
    re.IGNORECASE,
)
# A name in a list that neither the lexicon nor the acronym rule knows: "OpenTelemetry", "Kronos", "k6".
_NAME_TOKEN = r"(?:[A-Z][\w+#.-]*[\w+#]|[A-Z]|[a-z]+\d[\w.]*)"
_NAMES = rf"{_NAME_TOKEN}(?: {_NAME_TOKEN}){{0,2}}"
_LIST_SEP = r"(?:\s*,\s*(?:(?:and/or|or|and)\s+)?|\s+(?:and/or|or|and)\s+|/)"
_NAME_BETWEEN = re.compile(rf"(?P<sep1>{_LIST_SEP})(?P<n>{_NAMES})(?P<sep2>{_LIST_SEP})")
_NAME_BEFORE_SLASH = re.compile(rf"(?<![\w/])(?P<n>{_NAME_TOKEN})/$")
_NAME_AFTER_SLASH = re.compile(rf"/(?P<n>{_NAME_TOKEN})(?![\w/])")
# A standard or form number after an acronym is part of its name: "ISO 13485", "IEC 62304", "FDA 510(k)".
_NUMBER_NEXT = re.compile(
    r"[ -](?!(?:19|20)\d\d\b)(\d{1,6}(?:\([a-z]\))?)(?![\d+%]|\.\d)"
    r"(?!\s*(?:\+|%|years?|yrs?|months?|hours?|days?|weeks?|x)\b)"
)


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
    first = min(out, key=lambda i: i.start) if out else None
    level = _LEVEL_BEFORE.search(line, 0, first.start) if first else None
    if level:  # "Associate or bachelor's degree in X": the bare level shares the degree and its field
        out.insert(0, Item(level.start(1), level.end(1), f"{level.group(1).capitalize()} degree", "degree"))
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
        version = (
            _VERSION_NEXT.match(line, item.end)
            if item.kind == "skill"
            else _NUMBER_NEXT.match(line, item.end)
            if item.kind == "acronym"
            else None
        )
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
        if " " not in item.name and _SHARED_MODIFIER.match(line, m.end("x")):
            continue  # "federal" of "knowledge of federal and state payroll tax filings": a fragment
        out.append(_phrase_list(line, _without_trailing_kind(item), taken) or _without_trailing_kind(item))
    return out


def _without_trailing_kind(item: Item) -> Item:
    """ "Building Thinking Classrooms practices": the practices, principles or methods of a named
    thing are shown by the thing; the generic word goes when two words or more remain."""
    words = item.name.split()
    if len(words) >= 3 and words[-1].lower() in _KIND_WORDS:
        name = " ".join(words[:-1])
        return Item(item.start, item.start + len(name), name, item.kind)
    return item


def _phrase_list(line: str, item: Item, taken: list[Item]) -> Item | None:
    """ "Background in health, human services or food security": the object of a cue phrase followed by
    more of its kind, commas and a last "or", is one requirement any of them meets."""
    m = _PHRASE_LIST.match(line, item.end)
    if m is None or any(i.start < m.end() and i.end > m.end() for i in taken):
        return None  # a list of the JD's own phrases holds whole any skill it names
    rest = [_TAIL_LEAD.sub("", p.strip()) for p in _ALT_SEP.split(m.group().strip(" ,"))]
    rest = [p for p in rest if p and not _is_open(p)]  # "or a related field" leaves it open
    if any(not _phrase_ok(p) for p in rest):
        return None
    options = [item.name, *rest]
    name = " ".join(line[item.start : m.end()].split())
    return Item(item.start, m.end(), name, "phrase", tuple(dict.fromkeys(options)))


def line_items(line: str, lexicon: SkillLexicon) -> list[Item]:
    """The items of one JD line, in order, not overlapping."""
    degrees = _degrees(line)
    skills = [Item(m.start, m.end, m.canonical, "skill") for m in lexicon.find(line)]
    items = degrees + [s for s in skills if not _overlaps(s, degrees)]
    items += _acronyms(line, lexicon, items)
    items = _compounds(line, sorted(items, key=lambda i: i.start))
    for phrase in _phrases(line, items):
        items = _without(items, phrase)
    items = _spelled_acronyms(line, items)
    items = sorted(items + _list_names(line, items), key=lambda i: i.start)
    items = _bilingual(line, _bracket_lists(line, items))
    return [i for n, i in enumerate(items) if not _is_gloss(line, i, items[n - 1] if n else None)]


def _without(items: list[Item], new: Item) -> list[Item]:
    """`items` with `new` in place of the items it covers."""
    return sorted([i for i in items if not _overlaps(i, [new])] + [new], key=lambda i: i.start)


def _list_names(line: str, items: list[Item]) -> list[Item]:
    """Names in a list of items that are no item themselves: "OpenTelemetry" in "Prometheus, Grafana,
    OpenTelemetry, or Datadog", "Kronos" in "Kronos/UKG". A capitalised word (or a word with a
    digit, "k6") that sits between list separators next to an item is a list member like it."""
    out: list[Item] = []
    listed = [i for i in items if i.kind not in ("degree", "phrase")]
    for a, b in pairwise(listed):
        gap = line[a.end : b.start]
        if re.fullmatch(rf"{_LIST_SEP}(?:{_NAMES}{_LIST_SEP})+", gap):
            out += [_name_item(a.end + m.start(), m.group()) for m in re.finditer(_NAMES, gap)]
    for item in listed:
        before = _NAME_BEFORE_SLASH.search(line, 0, item.start)
        after = _NAME_AFTER_SLASH.match(line, item.end)
        if before:
            out.append(_name_item(before.start("n"), before.group("n")))
        if after:
            out.append(_name_item(after.start("n"), after.group("n")))
    return [i for i in out if i.name and not _overlaps(i, items)]


def _name_item(start: int, name: str) -> Item:
    words = name.split()
    if any(w.lower() in STOPWORDS or w in _ACRONYM_STOP or w.lower() in GENERIC for w in words):
        return Item(start, start, "", "")  # "Other", "OR": no name
    return Item(start, start + len(name), name, "name")


def _bracket_lists(line: str, items: list[Item]) -> list[Item]:
    """A list of examples in brackets is one requirement any example meets, and the examples are the
    requirement: "automated dispensing cabinets (Pyxis or Omnicell)", "(e.g., HHS, USDA, HRSA)",
    "an ERP (NetSuite or SAP Business One)". The category before the brackets is no requirement of
    its own; a lone gloss ("(CSWP)") or a remark ("(Power BI preferred)") is no list."""
    for m in _BRACKET.finditer(line):
        body_start = m.start(1)
        cue = _EXAMPLE_CUE.match(line, body_start, m.end(1))
        body_start = cue.end() if cue else body_start
        if _NOT_EXAMPLES.search(line, body_start, m.end(1)):
            continue
        spans, pos = [], body_start
        for sep in _ENTRY_SEP.finditer(line, body_start, m.end(1)):
            spans.append((pos, sep.start()))
            pos = sep.end()
        spans.append((pos, m.end(1)))
        names = [_entry_name(line, a, b, items) for a, b in spans]
        if any(n is None for n in names):
            continue  # prose in brackets
        named = [n for n in names if n is not None and n]
        if len(named) < (1 if cue else 2) or not any(re.search("[A-Za-z]", n) for n in named):
            continue  # "(2019, 2021)": no names
        if (
            not cue
            and not re.search(r"\b(?:or|nor)\b|/", line[body_start : m.end(1)])
            and not all(n[0].isupper() or n[0].isdigit() for n in named)
        ):
            continue  # "(shift differentials, on-call, PTO banks)": parts of what is asked, not examples
        category = next((i for i in reversed(items) if i.end <= m.start()), None)
        if category is not None and not _names_category(line[category.end : m.start()], category):
            category = None
        start = category.start if category else m.start()
        name = line[body_start : m.end(1)]  # the examples name the requirement: "Pyxis or Omnicell"
        if not re.search(r"\b(?:or|nor)\b", name) and len(named) > 1:
            name = ", ".join(named[:-1]) + " or " + named[-1]  # "HHS, USDA or HRSA": read as alternatives
        if category is not None and category.kind in ("compound", "acronym", "name"):
            named.insert(0, category.name)  # "Oracle Opera PMS (Opera Cloud or Opera 5)": a name, no category
            name = line[start : m.end()]
        new = Item(start, m.end(), " ".join(name.split()), "list", tuple(dict.fromkeys(named)))
        items = _without(items, new)
    return items


def _names_category(gap: str, item: Item) -> bool:
    """ "cabinets (", "e-commerce platform (": the item right before the brackets, with at most two
    generic words between, is the category the examples belong to."""
    words = gap.split()
    return (
        item.kind not in ("degree", "list") and len(words) <= 2 and all(w.lower() in GENERIC for w in words)
    )


def _entry_name(line: str, start: int, end: int, items: list[Item]) -> str | None:
    """What one entry of a bracketed list names: the item it is, else the JD's words; "" for an
    entry that names nothing ("similar", "etc.", "941"); None for one too long to be a name."""
    raw = line[start:end].strip(" .;:")
    start += len(line[start:end]) - len(line[start:end].lstrip(" .;:"))
    text = _TAIL_LEAD.sub("", raw)
    if not text or text.lower().rstrip(".") == "etc" or _is_open(text) or not re.search("[A-Za-z0-9]", text):
        return ""
    if len(text.split()) > 4:
        return None
    exact = [i for i in items if i.start == start and i.end == start + len(raw)]
    return exact[0].name if exact and exact[0].kind != "list" else " ".join(text.split())


def _bilingual(line: str, items: list[Item]) -> list[Item]:
    """ "Bilingual English/Spanish" asks for both languages at once: one requirement, not two."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if (
            prev is not None
            and line[prev.end : item.start] == "/"
            and re.search(r"\bbilingual\s*(?:in\s+)?[:,-]?\s*$", line[: prev.start], re.IGNORECASE)
        ):
            out[-1] = Item(prev.start, item.end, line[prev.start : item.end], "compound")
            continue
        out.append(item)
    return out


def _spelled_acronyms(line: str, items: list[Item]) -> list[Item]:
    """ "Certified Fund Raising Executive (CFRE)": the words an acronym in brackets abbreviates and the
    acronym are one item named by the acronym, so that "GPC ... or ... CFRE" reads as alternatives and
    no skill inside the spelled-out name ("Risk Management" in "Associate in Risk Management (ARM)")
    becomes a requirement of its own."""
    for acr in [i for i in items if i.kind == "acronym"]:
        if line[acr.start - 1 : acr.start] != "(" or line[acr.end : acr.end + 1] != ")":
            continue
        start = _long_form_start(line, acr.start - 1, acr.name)
        if start is None:
            continue
        new = Item(start, acr.end + 1, acr.name, "acronym")
        inside = [i for i in items if _overlaps(i, [new]) and i is not acr]
        if any(i.kind == "degree" or (i.start == start and i.end >= acr.start - 2) for i in inside):
            continue  # a degree or one skill it glosses: the gloss rule reads it
        items = _without(items, new)
    return items


def _long_form_start(line: str, bracket: int, acronym: str) -> int | None:
    """Where the capitalised words right before `bracket` that `acronym` abbreviates begin, if they do."""
    words = list(re.finditer(r"[A-Za-z][\w'&.-]*", line[:bracket]))[-(2 * len(acronym) + 2) :]
    if not words or line[words[-1].end() : bracket].strip():
        return None
    for k in range(1, len(words) + 1):
        run = words[-k:]
        if any(line[a.end() : b.start()].strip(" -") for a, b in pairwise(run)):
            return None  # words not next to each other
        if not run[0].group()[0].isupper():
            continue
        if _abbreviates(acronym.lower(), [w.group() for w in run]):
            return run[0].start()
    return None


def _abbreviates(letters: str, words: list[str]) -> bool:
    """Whether each capitalised word gives the next letters of `letters` (its initial, then maybe
    more of its letters in order: "SolidWorks" gives "sw" of "cswp"); small words may be skipped."""
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if not word[0].isupper():
        if word.lower() in STOPWORDS and _abbreviates(letters, rest):
            return True
        if not letters or word[0].lower() != letters[0]:
            return False
    elif not letters or word[0].lower() != letters[0]:
        return False
    low, taken, pos = word.lower(), 1, 1
    while True:
        if _abbreviates(letters[taken:], rest):
            return True
        if taken >= len(letters):
            return False
        pos = low.find(letters[taken], pos) + 1
        if pos == 0:
            return False
        taken += 1


def _is_gloss(line: str, item: Item, before: Item | None) -> bool:
    """ "Bachelor of Science in Nursing (BSN)", "search engine optimization (SEO)": the acronym in
    brackets restates the item before it."""
    if before is None or (item.kind not in ("acronym", "degree") and item.name != before.name):
        return False
    return line[before.end : item.start].strip() == "(" and line[item.end : item.end + 1] == ")"


def _link(line: str, a: Item, b: Item) -> str | None:
    """How two neighbouring items are joined: "or", "and", "," or None (not one list). A word after
    `a` that ends `b` too is their shared head: "demand generation operations, or revenue operations"."""
    start = a.end
    head = re.match(r"\s+([a-z]{3,})\b", line[a.end : b.start])
    if head and line[b.start : b.end].lower().split()[-1:] == [head.group(1)]:
        start += head.end()
    m = _LINK.fullmatch(line, start, b.start)
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
    for n, (group, joins) in enumerate(zip(groups, links, strict=True)):
        tail = _tail(line, group[-1].end, items)
        if "or" not in joins and tail is None:
            if n + 1 < len(groups) and _is_category_of(line, group, groups[n + 1], links[n + 1], items):
                continue
            out += [LineRequirement(item.name, item.options) for item in group]
            continue
        end = tail[0] if tail else group[-1].end
        alternatives = [o for item in group for o in item.options or (item.name,)]
        alternatives += [tail[1]] if tail and tail[1] else []
        # a category met by its tools is named by them ("Git or Mercurial"), which is how it is matched
        name = " ".join(line[group[0].start : end].split())
        out.append(LineRequirement(name, tuple(dict.fromkeys(alternatives))))
    return out


_TOOLS_NEXT = re.compile(r"\s*(?::|(?:with|in|using|on|via|through)\b)\s*(?:(?:a|an|the)\s+)?", re.IGNORECASE)


def _is_category_of(
    line: str, group: list[Item], following: list[Item], joins: list[str], items: list[Item]
) -> bool:
    """ "Infrastructure as code with Terraform or CloudFormation", "a cloud data warehouse: Snowflake,
    BigQuery or Redshift": a category followed by tools of its kind, any one of which meets it, is one
    requirement, the tools its alternatives (the is-a taxonomy decides what is a kind of what)."""
    if len(group) != 1 or group[0].kind != "skill" or group[0].options:
        return False
    if not _TOOLS_NEXT.fullmatch(line, group[0].end, following[0].start):
        return False
    if "or" not in joins and _tail(line, following[-1].end, items) is None:
        return False
    taxonomy = Taxonomy.default()
    return any(taxonomy.is_a(o, group[0].name) for item in following for o in item.options or (item.name,))
