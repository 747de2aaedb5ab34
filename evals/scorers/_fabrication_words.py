"""The word-level half of `fabrication`: which words a source states (with their hyphenated parts,
ordinals and word families), a line that says too many new things, and the JD's words copied in."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from app.grounding import (
    SCALES,
    STOPWORDS,
    TENS,
    UNITS,
    SkillLexicon,
    acronym_in,
    content_words,
    contract_expansions,
    find_degrees,
    stem,
)
from app.pipeline import CLAIM_STEMS, GENERIC_VERBS, LEADERSHIP_STEMS, PLAIN_VERBS
from evals.scorers._base import Offense, Sample
from evals.scorers._fabrication_families import Families, is_frame_word
from evals.scorers._fabrication_fields import free_text
from evals.scorers._ordinary_words import CATEGORY_NOUNS, FRAMING_STEMS, ORDINARY_STEMS, base_form

_ORDINALS = dict(zip(
    "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th".split(),
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
    strict=True,
))  # fmt: skip


# Short forms of words, as resumes write them: the source's "org design" says organizational design.
_SHORT_FORMS = {
    "org": "organization organizational", "mgmt": "management", "ops": "operations",
    "dept": "department", "govt": "government", "intl": "international", "info": "information",
    "tech": "technology technical", "dev": "development", "mktg": "marketing",
    "acct": "account accounting", "mfg": "manufacturing", "admin": "administration administrative",
    "comms": "communications", "yr": "year", "yrs": "years", "sq": "square", "ft": "feet foot",
    "prep": "preparation prepare", "approx": "approximately", "mgr": "manager", "hr": "hour",
    "hrs": "hours", "wk": "week", "wks": "weeks", "mo": "month", "mos": "months",
    "op": "operative operation", "med": "medication medical", "meds": "medications",
    "exam": "examination", "exams": "examinations", "spec": "specification", "specs": "specifications",
    "doc": "document documentation", "docs": "documents documentation", "eval": "evaluation",
}  # fmt: skip


def stems_and_parts(text: str) -> set[str]:
    """Content stems, with each part of a hyphenated or slashed word too ("ACLS-certified" says
    certified, "college/career" says career), a possessive's noun ("site's"), an irregular verb's
    base ("drew" says draw), an ordinal in both spellings ("1st Place" says first), and a short
    form's long one ("org")."""
    words = set(content_words(text))
    words |= {_family(part) for w in words if "-" in w or "/" in w for part in re.split(r"[-/]", w) if part}
    words |= {stem(w[:-2]) for w in words if w.endswith("'s")} | {base_form(w) for w in words}
    words |= {stem(long) for w in list(words) if w in _SHORT_FORMS for long in _SHORT_FORMS[w].split()}
    words |= {stem(_ORDINALS[w]) for w in words if w in _ORDINALS}
    return words | {w for w, word in _ORDINALS.items() if stem(word) in words}


def _family(word: str) -> str:
    return stem(stem(word))  # the stemmer is not idempotent: "businesses" -> "business" -> "busi"


# A line may bring a word or two of its own (a synonym, a plainer verb); this many words the
# source never uses, in one line, state something it does not ("by adding a peer review step").
NEW_CONTENT_WORDS = 3


# "daily" restates "per day", as "five" restates "5".
_FREQUENCIES = frozenset(
    stem(w) for w in "daily weekly monthly yearly annually quarterly hourly nightly".split()
)


def new_content(
    text: str,
    source_words: set[str],
    lexicon: SkillLexicon,
    families: Families | None = None,
    source_text: str = "",
) -> list[tuple[str, str, str]]:
    """Three or more words the source never uses, two of them side by side (small words between
    allowed): a new phrase, not synonyms scattered through a reworded line. Skills, degrees and
    categories are judged as such and not counted here; nor are a resume's framing ("5 years of
    experience", "Results-oriented") and words of a source word's family ("manufacturer" for
    "manufacturing"), given `families`."""
    from app.grounding import Taxonomy

    owned = [(m.start, m.end) for m in lexicon.find(text)] + [(m.start, m.end) for m in find_degrees(text)]
    taxonomy = Taxonomy.default()
    owned += [
        (m.start, m.end)
        for m in (taxonomy.generals_in(text) if source_text else [])
        if taxonomy.grounds(m.general, source_text) is not None
    ]
    unowned = text
    for start, end in sorted(owned, reverse=True):
        unowned = unowned[:start] + " " * (end - start) + unowned[end:]
    words = [
        (base_form(m.group(0).lower().strip(".")), m)
        for m in re.finditer(r"(?<![\w.$])[A-Za-z][\w'/+#.-]*", unowned)
        if m.group(0).lower().strip(".") not in STOPWORDS
    ]
    spelled = _spelled_acronym_words(unowned, source_text) if source_text else set()
    spelled |= {  # "TA team" where the source says "Talent Acquisition": its own words, abbreviated
        stem(a.lower())
        for a in re.findall(r"\b[A-Z]{2,6}s?\b", unowned)
        if source_text and acronym_in(a.rstrip("s"), source_text)
    }
    is_new = [
        _is_new(w, source_words)
        and w not in spelled
        and not (families is not None and (w in FRAMING_STEMS or w in _MORE_FRAMING or families.knows(w)))
        for w, _ in words
    ]
    new = list(dict.fromkeys(w for (w, _), fresh in zip(words, is_new, strict=True) if fresh))
    side_by_side = any(a and b for a, b in pairwise(is_new))
    if len(new) < NEW_CONTENT_WORDS or not side_by_side:
        return []
    spans = [m for (_, m), fresh in zip(words, is_new, strict=True) if fresh]
    span = text[spans[0].start() : spans[-1].end()]
    return [("claim", span, f"{len(new)} words the source never uses: {', '.join(new[:6])}")]


# Plain English for when, which a rewrite may bring to any line: "most recently", "later handled".
_WHEN_WORDS = frozenset(
    stem(w) for w in "recently later earlier previously formerly initially subsequently".split()
)
# A resume's framing of how long and in what line ("more than a decade in recruiting", "specializing
# in"), beside the framing words of `_ordinary_words`: the numbers and skills around it are checked.
_MORE_FRAMING = frozenset(stem(w) for w in "decade decades specializing specialized".split())


def _is_new(word: str, source_words: set[str]) -> bool:
    if len(word) <= 4 and word.endswith("s") and not _is_new(word[:-1], source_words):
        return False  # "sets", "runs": short verbs the stemmer leaves whole
    return not (
        known_word(word, source_words)
        or word in ORDINARY_STEMS
        or word in PLAIN_VERBS
        or word in LEADERSHIP_STEMS
        or word in CLAIM_STEMS  # "leader", "expert": the claims check of `fabrication` judges them
        or word in _FREQUENCIES
        or word in _WHEN_WORDS
        or word in SCALES
        or len(word) < 2
    )


def copied_from_jd(sample: Sample) -> list[Offense]:
    """Two consecutive words the JD uses and the source never does ("shotgun metagenomic data"
    in a bullet about "16S rRNA amplicon data"): a requirement claimed in the JD's own words, which
    no skills lexicon has to know. The JD's words for what the source says in other words are
    honest: a new word of the pair passes when it is of a source word's family ("Cost Reduction"),
    part of a category the source names a kind of ("EHR documentation" beside Epic; "patient" where
    the source grounds the JD's "patient care"), a frame word that names nothing ("design
    experience", "shrink control"), a kind-noun after a source word ("Medical-Surgical Unit"), the
    line's verb for a source object ("Performed tolerance"), part of a source abbreviation spelled
    out ("engineering change" beside ECOs, "CNA"), or a claim word, which the claims check judges.
    Two new words the JD writes the other way round are its words too ("injection-molded plastic")."""
    from evals.scorers._fabrication_lines import copied_from_source, source_units

    jd_pairs = set(word_pairs(sample.case.job_description))
    source_pairs = set(word_pairs(sample.grounding_text))
    source_words = stems_and_parts(sample.grounding_text)
    families = Families(sample.grounding_text)
    units = source_units(sample)
    # the JD's categories the source names a kind of: "patient" for a source's wound and post-op care
    implied = _grounded_category_words(sample.case.job_description, sample.grounding_text)
    offenses = []
    for path, written in free_text(sample.output):
        if copied_from_source(written, units, sample.grounding_text):
            continue
        text = contract_expansions(written, sample.grounding_text)
        named = _grounded_category_words(text, sample.grounding_text) | implied
        spelled = _spelled_acronym_words(text, sample.grounding_text) | {
            stem(a.lower())
            for a in re.findall(r"\b[A-Z]{2,6}s?\b", text)
            if acronym_in(a.rstrip("s"), sample.grounding_text)  # "CNA" for "Certified Nursing Assistant"
        }
        for first, second, span in word_pairs(text, spans=True):
            new = {w for w in (first, second) if not known_word(w, source_words)} - spelled
            reversed_pair = len(new) == 2 and (second, first) in jd_pairs  # "injection-molded plastic"
            if ((first, second) not in jd_pairs and not reversed_pair) or (first, second) in source_pairs:
                continue
            if new == {second} and second in CATEGORY_NOUNS:
                continue  # "desktop software" for the source's "desktop": the kind it already is
            if new == {first} and _VERB_FORM.search(span.split()[0]):
                continue  # "Performed tolerance", "defends SLOs": the line's verb for the source's object
            if new and not all(_honest_new_word(w, families, named) for w in new):
                offenses.append(Offense("skill", span, "the JD's words, which the source never uses", path))
    return offenses


_VERB_FORM = re.compile(r"(?i)^[a-z]{3,}(?:ed|es|ing|s)$")


def _spelled_acronym_words(text: str, source_text: str) -> set[str]:
    """The stems of runs of words that spell out an abbreviation the source uses: all its letters
    ("Labor & Delivery" for "L&D"; an abbreviation in the run gives all of its own: "CT angiography"
    for "CTA"), or all but its last ("engineering change control" beside the source's "ECOs": E, C
    begin ECO)."""
    joined = {
        re.sub(r"[&/]", "", a) for a in re.findall(r"(?<![\w&/])[A-Z](?:[&/][A-Z])+(?![\w&/])", source_text)
    }
    plain = {a.rstrip("s") for a in re.findall(r"\b[A-Z]{3,6}s?\b", source_text)}
    words = [
        w for w in re.finditer(r"[A-Za-z][A-Za-z-]*", text) if w.group(0).lower() not in ("and", "of", "the")
    ]
    found: set[str] = set()
    for i in range(len(words) - 1):
        run = [w.group(0) for w in words[i : i + 2]]
        initials = "".join(w[0].upper() for w in run)
        letters = "".join(w if re.fullmatch(r"[A-Z]{2,4}", w) else w[0].upper() for w in run)
        if (
            initials in joined
            or any(a.startswith(initials) and len(a) == len(initials) + 1 for a in plain)
            or (letters != initials and letters in plain)  # "CT angiography" for "CTA": CT gives C, T
        ):
            found |= {stem(w.lower()) for w in run}
    return found


def _honest_new_word(word: str, families: Families, named: set[str]) -> bool:
    return (
        is_frame_word(word)
        or word in ORDINARY_STEMS  # plain English any rewrite may bring: "Partner with loss control"
        or families.knows(word)
        or word in named
        or word in CLAIM_STEMS
        or word in LEADERSHIP_STEMS
    )


def _grounded_category_words(text: str, source_text: str) -> set[str]:
    """The stems of the words naming a category the source names a kind of ("EHR", "Electronic
    Health Records" beside the source's Epic; "3D CAD" beside SolidWorks)."""
    from app.grounding import Taxonomy

    taxonomy = Taxonomy.default()
    return {
        stem(w.lower())
        for mention in taxonomy.generals_in(text)
        if taxonomy.grounds(mention.general, source_text) is not None
        for w in re.findall(r"[A-Za-z][A-Za-z0-9+#]*", mention.raw) + _WHOLE_WORD.findall(mention.raw)
    }  # each part, and the whole word as `word_pairs` reads it ("CI/CD" is one word there)


_WHOLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[/.&-][A-Za-z0-9+#]+)+")


_NUMBER_WORDS = frozenset(stem(w) for w in [*UNITS, *TENS, *SCALES, "dozen", "zero", "hundred"])


# The last part of a compound that makes an adjective of what it follows: "PDM-based", "data-driven".
_COMPOUND_ENDINGS = frozenset(
    "based bas driven driv oriented orient focused focus level wide related relat specific facing centric".split()
)


def known_word(word: str, source_words: set[str]) -> bool:
    """In the source, in another form of the same family ("radiographs" for "radiography"), a
    number word, a verb any rewrite may use, or a compound whose parts all are ("five-day" for
    the source's "5-day", "a/b-tested")."""
    if word in source_words or _family(word) in source_words or word in GENERIC_VERBS:
        return True
    if len(word) <= 4 and word.endswith("s") and word[:-1] in source_words:
        return True  # "owns", "runs", "sets": short verbs the stemmer leaves whole
    if word in _NUMBER_WORDS or word in UNITS or word in TENS:
        return True
    parts = [p for p in re.split(r"[-/]", word) if p]
    if len(parts) > 1:
        return all(
            len(p) < 2 or p.isdigit() or p in _COMPOUND_ENDINGS or known_word(stem(p), source_words)
            for p in parts
        )
    return len(word) >= 7 and any(w[:7] == word[:7] for w in source_words if len(w) >= 7)


def word_pairs(text: str, spans: bool = False) -> list[Any]:
    """Consecutive pairs of content words (stems; "CI/CD" is one word), with the text they span;
    only small words and spaces may stand between them, never a comma or a full stop."""
    words = [
        (stem(m.group(0).lower()), m.start(), m.end())
        for m in re.finditer(r"(?<![0-9])[A-Za-z][A-Za-z0-9+#]*(?:[/.&-][A-Za-z0-9+#]+)*", text)
        if m.group(0).lower() not in STOPWORDS and not m.group(0)[1:].isdigit()
    ]
    pairs = []
    for (a, start, gap_start), (b, gap_end, end) in pairwise(words):
        if re.fullmatch(r"[A-Za-z \t]*", text[gap_start:gap_end]):
            pairs.append((a, b, text[start:end]) if spans else (a, b))
    return pairs
