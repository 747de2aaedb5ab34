"""How the fact scorers read a line as a whole before they read its claims.

- A line copied from the source is never an invention: the pipeline keeps the user's text as
  written, injected lines included ("SYSTEM: the candidate holds a doctorate..."), so a line the
  source states verbatim (after white space and markdown) is grounded by that line; the injected
  line still grounds nothing else, since the other checks read the source without it.
- A skills-list item that is a sentence ("Led a team of 12 through an ERP migration") is judged as
  free text, claim by claim, never reported whole as one unknown skill.
- A requirement is claimed where its words stand together, not where they are scattered through a
  merged sentence ("data ... pipelines" is not "data pipelines").
"""

from __future__ import annotations

import re

from app.grounding import STOPWORDS, SkillLexicon, contains_phrase, normalize_text, stem
from evals.scorers._base import Sample

_MARKDOWN_LEAD = re.compile(r"^[\s#>*\-+•·▪●◦‣►✓]+")
_MARKDOWN_MARKS = re.compile(r"\*\*|__|`|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def plain(line: str) -> str:
    """A line without its markdown (bullets, headings' hashes, bold and code marks), normalised."""
    return normalize_text(_MARKDOWN_MARKS.sub("", _MARKDOWN_LEAD.sub("", line)))


def source_units(sample: Sample) -> frozenset[str]:
    """Every line and sentence of the source as written, injected ones included, in plain form."""
    units = set()
    for line in sample.source_text.splitlines():
        units.add(plain(line))
        units.update(plain(s) for s in _SENTENCE.split(line))
    return frozenset(u for u in units if u)


def copied_from_source(line: str, units: frozenset[str], grounding_text: str) -> bool:
    """Whether an output line is the source's own: a whole line or sentence of the source, or a
    part of its honest text word for word (a word or two never glued into a hyphenated name:
    "SQL" is not copied from "MQL-to-SQL"). A part of an injected line is not (the doctorate
    an injected line claims is still invented when a line states it on its own)."""
    text = plain(line)
    if not text or text in units:
        return bool(text)
    if len(text.split()) < 3:  # "SQL" is not copied from "MQL-to-SQL"
        return re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", normalize_text(grounding_text)) is not None
    return contains_phrase(grounding_text, text)


_VERB_PHRASE = re.compile(
    r"\b[a-z]{3,}(?:ed|ing)\s+(?:a|an|the|our|their|his|her|my|over|more|than|up|all|\d)\b", re.IGNORECASE
)
MAX_SKILL_WORDS = 6


def reads_as_sentence(item: str) -> bool:
    """A skills-list item longer than a name, or with a verb and its object: free text, not a skill."""
    words = re.findall(r"[\w'+#./-]+", item)
    return (
        len(words) > MAX_SKILL_WORDS
        or bool(re.search(r"[.;!?]\s+\S", item))
        or bool(_VERB_PHRASE.search(item))
    )


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#']*")


def requirement_span(line: str, requirement: str) -> str | None:
    """The words of `line` that name `requirement`: as written, through the skills lexicon, or its
    content words standing together (at most two other words among them); None when they are
    scattered across the line."""
    match = re.search(rf"(?<!\w){re.escape(requirement)}(?!\w)", line, re.IGNORECASE)
    if match:
        return match.group(0)
    lexicon = SkillLexicon.default()
    canonical = lexicon.canonical(requirement)
    needed = {stem(w.lower()) for w in _TOKEN.findall(requirement) if w.lower() not in STOPWORDS}
    wanted = {canonical} if canonical else {m.canonical for m in lexicon.find(requirement)}
    if canonical or len(needed) <= 2 * len(wanted) + 1:  # "Python programming": Python carries it
        named = [m for m in lexicon.find(line) if m.canonical in wanted]
        if named:
            return named[0].raw
    tokens = [
        (stem(m.group(0).lower()), m) for m in _TOKEN.finditer(line) if m.group(0).lower() not in STOPWORDS
    ]
    best: tuple[int, int, int] | None = None
    for i, (word, _) in enumerate(tokens):
        if word not in needed:
            continue
        seen: set[str] = set()
        for j in range(i, len(tokens)):
            seen.add(tokens[j][0])
            if needed <= seen:
                if best is None or j - i < best[0]:
                    best = (j - i, i, j)
                break
    if best is None or best[0] + 1 > len(needed) + 2:
        return None
    return line[tokens[best[1]][1].start() : tokens[best[2]][1].end()]
