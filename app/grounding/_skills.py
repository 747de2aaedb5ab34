"""Skills lexicon (``skills.yaml``: name, aliases, exact_case, category) and a fast whole-word matcher.

Names and aliases match case-insensitively: a space also matches "-" ("machine-learning"), a "-" is optional
("frontend"), "/" and "&" may be spaced ("CI / CD"), and a form ending in a letter takes a plural "s"/"es"
("APIs"). ``exact_case`` forms (Go, R, C, Excel, ML) match only in that case, never glued to "&" or "-"
("R&D", "C-suite", "Go-to-market"), and usage checks drop prose ("Excel at ..." opening a sentence,
"Vitamin C", "John R. Smith"). Text is matched in NFKC without invisibles, with plain dashes and quotes;
offsets map back to the original string. One trie-shaped regex per mode: ~1-2 ms for a two-page resume.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.grounding._normalize import INVISIBLE_RE

_TABLE = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-") | {"\u2018": "'", "\u2019": "'"}
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SEP = {" ": r"[\s\-]+", "-": r"[\s\-]*", "/": r"\s*/\s*", "&": r"\s*&\s*"}
_KEY_DROP = re.compile(r"[\s\-]+")
_WORD = r"[^\W_]"  # a letter or digit, any script
_SENTENCE_START = re.compile(r"[\n.!?*>|\-\u2022\u25aa\u25cf\u25e6\u00b7\u2023\u25ba\u2713]\s*\Z")
_VERB_NEXT = re.compile(
    r"\s+(?:a|an|the|at|in|to|on|with|for|into|of|from|by|our|your|their|my|this|that|all|every|out|up|over|"
    r"beyond|above|it|them|sure|new|more)\b"
)
_LETTER_BLOCK = re.compile(  # "Vitamin C", "Type R", "Grade C", "4 C", "37 °C": not a language
    r"(?:\b(?:vitamin|type|grade|plan|class|level|section|schedule|part|tier|phase|option|form|size|category|"
    r"group|hepatitis|hep|unit|ward|building|suite|room|block|exhibit|appendix|figure|table|zone|bay|wing|"
    r"model|series|item|row|gate)\s+|[\d\u00b0]\s*)\Z",
    re.IGNORECASE,
)
_LETTER_AFTER = re.compile(
    r"(?-i:\. ?[a-z])|\s+(?:level|suite|grade|class|corp|rating|score|average)\b", re.I
)
_URL = re.compile(r"\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)
_ENTRY_KEYS = {"name", "aliases", "exact_case", "category"}


@dataclass(frozen=True)
class SkillMention:
    canonical: str  # the entry's name
    raw: str  # the text as it appears in the input (original case/characters)
    start: int  # offsets into the ORIGINAL text passed to find()
    end: int


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """NFKC, no invisibles, plain dashes/quotes; plus the original index of each output char (None: same)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    idx: list[int] = []
    pos = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        rep = "" if INVISIBLE_RE.match(text, i) else unicodedata.normalize("NFKC", text[i]).translate(_TABLE)
        out += (text[pos:i], rep)
        idx += [*range(pos, i), *[i] * len(rep)]
        pos = i + 1
    out.append(text[pos:])
    idx.extend(range(pos, len(text)))
    return "".join(out), idx


def _form(raw: str) -> str:
    return " ".join(_normalise(raw)[0].split())


def _key(form: str, fold: bool) -> str:
    form = _KEY_DROP.sub("", form)
    return form.lower() if fold else form


def _strings(entry: dict[str, Any], field: str) -> list[str]:
    values = entry.get(field) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"skill {entry['name']!r}: {field} must be a list of non-empty strings")
    return values


def _compile(forms: list[str], fold: bool) -> re.Pattern[str] | None:
    """One alternation shaped as a trie (shared prefixes once, longer continuations tried first)."""
    if not forms:
        return None
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form.lower() if fold else form:
            node = node.setdefault(_SEP.get(ch, re.escape(ch)), {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        items = sorted(node.items(), key=lambda item: item[0] == "")  # a form's end after its extensions
        alts = [atom + (emit(child) if child else "") for atom, child in items]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    # After the trie: a plural "s"/"es" behind a letter (folded forms only), then a whole-word end unless the
    # form itself ends in a symbol ("c++", "c#"); exact forms also refuse a glued "&", "-" or ".".
    plural, glued = ("(?:(?<=[a-z])e?s)?", "") if fold else ("", rf"|[&\-.]{_WORD}")
    head = rf"(?<!{_WORD})(?<!{_WORD}\.)" if fold else rf"(?<!{_WORD})(?<!{_WORD}[.&\-])"  # not "schema.json"
    tail = rf"(?:(?<!{_WORD})|(?!{_WORD}{glued}))"
    return re.compile(head + emit(trie) + plural + tail)  # folded forms run on lower-cased text (faster)


def _plausible(text: str, start: int, end: int, form: str) -> bool:
    """Usage checks for exact-case forms that double as ordinary words, letters or other acronyms."""
    before = ("\n" if start < 30 else "") + text[max(0, start - 30) : start]
    after = text[end : end + 12]
    if len(form) == 1:
        if _LETTER_BLOCK.search(before) or _LETTER_AFTER.match(after):  # Vitamin C, 4 °C, C level, C. diff
            return False
        if after.startswith(".") and re.search(r"\b[A-Z][a-z]+ \Z", before):  # John R. Smith
            return False
        return not (after.startswith(")") and re.search(r"\S\(\Z", before))  # Excel(R)
    if form.isalpha() and form[0].isupper() and form[1:].islower():
        if re.match(r"[ \t]+[A-Z][a-z]", after):  # part of a proper name: "Maya Okonkwo", "Go Sooners"
            return False
        if _SENTENCE_START.search(before):
            return not _VERB_NEXT.match(after)  # "Excel at ...", "Access to ..." opening a sentence
    return not after.startswith("/SCI")  # a TS/SCI clearance is not TypeScript


# An acronym glued by a hyphen to another acronym ("QA-SQL"), or through a small word to a
# capitalised word ("MQL-to-SQL", "Lead-to-CRM"); "AWS-Certified" is the skill and a word.
_LINK = r"(?:to|and|or|for|of|in|on|vs|via)"
_COMPOUND_BEFORE = re.compile(rf"(?<![^\W_])(?:([A-Z][A-Z0-9]+)-|([A-Z][^\W_]*)-{_LINK}-)\Z")
_COMPOUND_AFTER = re.compile(rf"-(?:([A-Z][A-Z0-9]+)|{_LINK}-([A-Z][^\W_]*))(?![^\W_])")


def _in_a_compound_name(norm: str, start: int, end: int, skills: bytearray) -> bool:
    """Whether an acronym is one part of a hyphenated name whose other capitalised part is no
    skill: "MQL-to-SQL conversion" is a funnel stage, not SQL. "SQL-based" (a small word after)
    and "SQL-to-Python" (a skill on the other side) still name the skill."""
    raw = norm[start:end]
    if not (len(raw) >= 2 and raw.isupper()):
        return False
    window = max(0, start - 40)
    for m in (_COMPOUND_BEFORE.search(norm[window:start]), _COMPOUND_AFTER.match(norm, end)):
        if m is None:
            continue
        group = 1 if m.group(1) else 2
        offset = window if m.re is _COMPOUND_BEFORE else 0
        if skills.find(1, offset + m.start(group), offset + m.end(group)) == -1:
            return True  # the other part is no skill
    return False


def _capital_s(raw: str) -> bool:
    """An all-capitals word ending in S: its plural would be written with a small s ("APIs")."""
    return len(raw) >= 3 and raw.isupper() and raw.endswith("S")


class SkillLexicon:
    """Canonical skills, their surface forms, and a matcher over free text."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self._forms: dict[str, list[str]] = {}
        self._ci: dict[str, str] = {}  # folded key -> canonical
        self._cs: dict[str, str] = {}  # case-kept key -> canonical
        ci_forms: list[str] = []
        cs_forms: list[str] = []
        for entry in entries:
            ok = isinstance(entry, dict) and not set(entry) - _ENTRY_KEYS
            if not ok or not all(
                isinstance(entry.get(k), str) and entry[k].strip() for k in ("name", "category")
            ):
                raise ValueError(f"bad skills entry (needs a name and a category): {entry!r}")
            name = str(entry["name"])
            if name in self._forms:
                raise ValueError(f"duplicate skill name {name!r}")
            exact = [_form(x) for x in _strings(entry, "exact_case")]
            normal = [_form(x) for x in [name, *_strings(entry, "aliases")] if _form(x) not in exact]
            self._forms[name] = list(dict.fromkeys([name, *normal, *exact]))
            for forms, fold in ((normal, True), (exact, False)):
                table, out = (self._ci, ci_forms) if fold else (self._cs, cs_forms)
                for form in dict.fromkeys(forms):
                    key = _key(form, fold)
                    if not key:
                        raise ValueError(f"empty alias in skill {name!r}")
                    if table.setdefault(key, name) != name:
                        raise ValueError(f"duplicate alias {form!r}: {table[key]!r} and {name!r}")
                    out.append(form)
        for key, name in self._cs.items():  # "Excel" exact in one entry clashes with "excel" in another
            if self._ci.get(key.lower(), name) != name:
                raise ValueError(f"duplicate alias {key!r}: {self._ci[key.lower()]!r} and {name!r}")
        self._ci_re = _compile(ci_forms, fold=True)
        self._cs_re = _compile(cs_forms, fold=False)

    @classmethod
    def default(cls) -> SkillLexicon:
        """The bundled lexicon (skills.yaml), loaded once on first use."""
        return _default()

    def _lookup(self, matched: str, fold: bool) -> str | None:
        table = self._ci if fold else self._cs
        if matched in table:  # the common case: one lower-case word
            return table[matched]
        key = _key(matched, fold)
        if not fold:
            return self._cs.get(key)
        plurals = (key[:-1] if key.endswith("s") else "", key[:-2] if key.endswith("es") else "")
        return next((self._ci[k] for k in (key, *plurals) if k in self._ci), None)  # "apis" -> "api"

    def _exact(self, matched: str) -> bool:
        return matched in self._ci or _key(matched, True) in self._ci

    def _glossed_as_other(self, text: str, start: int, end: int, name: str) -> bool:
        """Whether an acronym is the gloss of words that name something else: the RCA in
        "Relativity Certified Administrator (RCA)" is not root cause analysis."""
        from app.grounding._glosses import expansion_before

        if text[start - 1 : start] != "(" or text[end : end + 1] not in (")", "s") or start < 2:
            return False
        long_form = expansion_before(text[max(0, start - 120) : start - 1], text[start:end])
        return long_form is not None and self._lookup(long_form.lower(), True) != name

    def canonical(self, term: str) -> str | None:
        """The canonical name for a whole term (name, alias or exact-case form), or None."""
        form = _form(term)
        return (self._lookup(form, fold=False) or self._lookup(form, fold=True)) if form else None

    def find(self, text: str) -> list[SkillMention]:
        """Every skill mention: longest first, non-overlapping, whole words, sorted by start."""
        norm, idx = _normalise(text)
        norm = _URL.sub(lambda m: " " * len(m.group()), norm)  # links and e-mail addresses are not prose
        found: list[tuple[int, int, str]] = []  # (start, end, canonical) in `norm`
        low = norm.lower()
        if len(low) != len(norm):  # a few characters lower-case to two ("İ"): keep those as they are
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in norm)
        for rx, fold in ((self._ci_re, True), (self._cs_re, False)):
            for m in rx.finditer(low if fold else norm) if rx else ():
                name = self._lookup(m.group(), fold)
                if name and fold and _capital_s(norm[m.start() : m.end()]) and not self._exact(m.group()):
                    name = None  # "BCPS" is an acronym of its own, not the plural of BCP
                if (
                    name
                    and (fold or _plausible(norm, m.start(), m.end(), m.group()))
                    and not self._glossed_as_other(norm, m.start(), m.end(), name)
                ):
                    found.append((m.start(), m.end(), name))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        taken = bytearray(len(norm))
        kept: list[tuple[int, int, str]] = []
        for s, e, name in found:
            if taken.find(1, s, e) == -1:
                taken[s:e] = b"\x01" * (e - s)
                kept.append((s, e, name))
        mentions: list[SkillMention] = []
        for s, e, name in kept:
            if not _in_a_compound_name(norm, s, e, taken):
                start, end = (s, e) if idx is None else (idx[s], idx[e - 1] + 1)
                mentions.append(SkillMention(name, text[start:end], start, end))
        return sorted(mentions, key=lambda m: m.start)

    def aliases(self, canonical: str) -> list[str]:
        """All surface forms of a skill, its name first. KeyError for an unknown name."""
        return list(self._forms[canonical])

    def names(self) -> list[str]:
        return list(self._forms)

    def __contains__(self, canonical: str) -> bool:
        return canonical in self._forms

    def __len__(self) -> int:
        return len(self._forms)


@lru_cache(maxsize=1)
def _default() -> SkillLexicon:
    import yaml

    path = Path(__file__).with_name("skills.yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of skill entries")
    return SkillLexicon(data)
