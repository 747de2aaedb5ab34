"""The fact-checker's deterministic half: is a rewritten line grounded in its original?

A rewrite is reverted unless every check passes. Each check is cheap and explainable, and each
reason names what was wrong. Pipelines choose which checks run (manifest `fact_checker.options`);
the default is all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.grounding import (
    STOPWORDS,
    Grounder,
    SkillLexicon,
    content_words,
    dropped_qualifiers,
    dropped_quantities,
    find_dates,
    is_injection,
    mentions,
    normalize_text,
    stem,
    tokens,
    ungrounded_quantities,
    verb_downgrades,
    without_quantities,
)
from app.resume import PSEUDONYM_TOKEN_RE


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


ALL_CHECKS = (
    "empty",
    "numbers",
    "skills",
    "entities",
    "claims",
    "jd_terms",
    "novelty",
    "length",
    "tokens",
    "repetition",
    "injection",
    "keeps_terms",
    "keeps_numbers",
    "keeps_skills",
    "new_words",
    "keeps_qualifiers",
    "keeps_specificity",
)

# Verbs and words that raise seniority, scope or credit: a rewrite may keep them, never add them.
CLAIM_STEMS = _stems(
    """led lead leading leader leadership managed manage manager directed director headed spearheaded
    supervised supervisor oversaw overseeing owned owner architected architect mentored mentor
    founded founder launched pioneered expert expertise senior principal chief head award awarded
    certified certification patent patented published promoted hired doubled tripled tenfold
    single-handedly sole solely first only top best record-breaking million billion strongest world-class
    exceptional outstanding renowned acclaimed elite unparalleled"""
)
# Ways to say the candidate was in charge of something. One may restate another ("Headed" for
# "Led", "Led" for "Ran") where the source's line already says so; added to a line that did not,
# each is a claim.
LEADERSHIP_STEMS = _stems(
    """led lead leading headed head heading managed manage managing ran run running supervised
    supervise supervising directed direct directing oversaw oversee overseeing owned owning
    coordinated coordinate chaired chair handled handle facilitated facilitate"""
)
# Ways to say something was the best of its kind: one may restate another ("top" for "best").
SUPERLATIVE_STEMS = _stems("best top highest strongest leading first")
_PREAMBLE_RE = re.compile(
    r"^\s*(?:sure[,!.]?|here(?:'s| is)[^:]*:|rewritten(?: line| bullet)?:|new line:|answer:|output:|bullet:|"
    r"line:|rewrite:)\s*",
    re.IGNORECASE,
)
GENERIC_VERBS = _stems(
    """built build created create developed develop delivered deliver improved improve increased
    increase reduced reduce cut drove drive ran run wrote write designed design implemented
    implement used use using worked work helped help made make supported support handled handle
    achieved achieve raised raise lowered lower boosted boost streamlined streamline shipped ship by
    for with to across through while resulting result"""
)

# What `new_words` lets a rewrite add besides GENERIC_VERBS: plain verbs that restate how work was
# done, never what it was about. Any other new word (a noun such as "errors" in "Reduced report
# errors by 10 hours" for "Cut manual reporting work by 10 hours") changes what the line claims.
PLAIN_VERBS = _stems(
    """conducted conduct performed perform completed complete provided provide maintained maintain
    prepared prepare produced produce processed process generated generate"""
)


@dataclass
class Verdict:
    text: str
    reasons: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.reasons


def clean_rewrite(raw: str) -> str:
    """The model's reply as one resume line: no preamble, quotes, bullet mark or second line."""
    text = raw.replace("```", "\n").strip()
    for line in (raw.strip() for raw in text.splitlines()):
        while (stripped := _PREAMBLE_RE.sub("", line)) != line:  # "Sure! Here is the line:" is two
            line = stripped
        line = line.lstrip("-*•·▪➢> ").strip().strip('"').strip("'").strip()
        if line and not line.endswith(":"):  # "Rewritten bullet:" introduces the answer, is not it
            return " ".join(line.split())
    return ""


def check_rewrite(
    original: str,
    rewrite: str,
    *,
    jd_text: str = "",
    allowed_terms: list[str] | tuple[str, ...] = (),
    checks: tuple[str, ...] = ALL_CHECKS,
    max_novelty: float = 0.4,
    length_bounds: tuple[float, float] = (0.5, 1.6),
    is_a: bool = False,
) -> Verdict:
    """Compare a (pseudonymised) original line with its (pseudonymised) rewrite.

    With `is_a`, a category the original names a kind of counts as part of it ("CAD" for a line
    that says SolidWorks), as the grounding service reads it; never a sibling or a narrower term."""
    verdict = Verdict(rewrite)
    reasons = verdict.reasons
    if not rewrite.strip():
        return Verdict(rewrite, ["empty: the model returned nothing usable"])
    # The allowed terms (requirement names the resume evidences) count as part of the original:
    # a summary may name a skill the resume shows elsewhere; a bullet's terms are in it already.
    grounding = " ".join([original, *allowed_terms])
    if is_a:
        for category in Grounder([original, *allowed_terms]).categories_in(rewrite):
            grounding += f" {category.phrase} {re.sub(r'[/&-]', ' ', category.phrase)}"  # "CI/CD": CI, CD
    orig_words, new_words = content_words(original), content_words(rewrite)
    orig_set = set(content_words(grounding))
    lexicon = SkillLexicon.default()

    if "numbers" in checks:
        for q in ungrounded_quantities(rewrite, original, counted=True):
            reasons.append(f"numbers: {q.raw!r} is not in the original (or not that often)")
        source_dates = find_dates(original)
        for d in find_dates(rewrite):
            if not any(d.same_as(s) for s in source_dates):
                reasons.append(f"numbers: the date {d.iso()} is not in the original")
    if "keeps_numbers" in checks:
        for q in dropped_quantities(original, rewrite):
            reasons.append(f"keeps_numbers: drops {q.raw!r}, which the original states")
    if "keeps_qualifiers" in checks:
        for lost in dropped_qualifiers(original, rewrite):
            reasons.append(
                f"keeps_qualifiers: drops {lost.raw!r} (of {lost.number!r}), which the original states"
            )
    if "keeps_specificity" in checks:
        for down in verb_downgrades(original, rewrite):
            reasons.append(f"keeps_specificity: trades {down.specific!r} for the vaguer {down.vague!r}")
    if "skills" in checks:
        have = {m.canonical for m in lexicon.find(grounding)}
        for m in lexicon.find(rewrite):
            if m.canonical not in have:
                reasons.append(f"skills: {m.raw!r} is not in the original")
    if "entities" in checks:
        orig_tokens = {t.lower() for t in tokens(grounding)}
        for word in re.findall(r"(?<!^)(?<![.!?]\s)\b[A-Z][A-Za-z0-9&+#.-]*[A-Za-z0-9+#]", rewrite.strip()):
            lowered = word.lower()
            if lowered not in orig_tokens and lowered not in STOPWORDS and not PSEUDONYM_TOKEN_RE.match(word):
                reasons.append(f"entities: {word!r} is not in the original")
    if "claims" in checks:
        for word in set(content_words(without_quantities(rewrite))) & CLAIM_STEMS - orig_set:
            reasons.append(f"claims: adds {word!r}")
    if "jd_terms" in checks and jd_text:
        jd_words = set(content_words(jd_text))
        copied = sorted({w for w in new_words if w in jd_words and w not in orig_set} - GENERIC_VERBS)
        if copied:
            reasons.append(f"jd_terms: copies {', '.join(copied[:5])} from the job description")
    if "novelty" in checks and new_words:
        novel = [w for w in new_words if w not in orig_set and w not in GENERIC_VERBS]
        if len(novel) / len(new_words) > max_novelty:
            reasons.append(f"novelty: {len(novel)} of {len(new_words)} content words are new")
    if "new_words" in checks:
        worded = content_words(without_quantities(rewrite))  # "two million": the numbers check's
        added = sorted({w for w in worded if w not in orig_set} - GENERIC_VERBS - PLAIN_VERBS)
        if added:
            reasons.append(f"new_words: adds {', '.join(added[:5])}, which the original does not say")
    if "length" in checks and orig_words:
        ratio = len(rewrite.split()) / max(1, len(original.split()))
        if not length_bounds[0] <= ratio <= length_bounds[1]:
            reasons.append(f"length: {ratio:.1f}x the original's words")
    if "keeps_terms" in checks:
        for term in allowed_terms:
            if mentions(original, term) and not mentions(rewrite, term):
                reasons.append(f"keeps_terms: drops {term!r}, which the original states")
    if "keeps_skills" in checks:
        kept = {m.canonical for m in lexicon.find(rewrite)}
        for m in lexicon.find(original):
            if m.canonical not in kept and not mentions(rewrite, m.canonical):
                reasons.append(f"keeps_skills: drops {m.raw!r}, which the original states")
                kept.add(m.canonical)
    placeholders = PSEUDONYM_TOKEN_RE.findall
    if "tokens" in checks and sorted(placeholders(original)) != sorted(placeholders(rewrite)):
        reasons.append("tokens: contact placeholders were dropped or added")
    if "repetition" in checks and _repeats(rewrite):
        reasons.append("repetition: the line repeats itself")
    if "injection" in checks and is_injection(rewrite) and not is_injection(original):
        reasons.append("injection: the line contains instructions")
    return verdict


def _repeats(text: str) -> bool:
    words = normalize_text(text).split()
    if any(a == b == c for a, b, c in zip(words, words[1:], words[2:], strict=False)):
        return True
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return len(trigrams) != len(set(trigrams))
