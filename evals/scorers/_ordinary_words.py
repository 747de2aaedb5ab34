"""Plain English a rewrite may bring without saying anything new about the candidate.

`narrative` counts the words a line adds to its source; an editor rewording a line brings verbs
of everyday English ("Took vital signs and drew blood" for "Recorded vital signs and performed
phlebotomy"), quantifiers ("as many as"), relative words ("whose") and dates in words. None of
them names a task, tool, result or setting, which is what a few-shot leak adds ("by adding a
quality audit checklist"). The lists are short and hand-kept: a verb that is also a common
noun of work ("review", "audit", "design", "test", "report", "plan") is left out on purpose.
"""

from __future__ import annotations

from app.grounding import MONTHS, stem

# Irregular past forms, to their verb: "drew" is "draw", "kept" is "keep".
IRREGULAR_FORMS = {
    "took": "take", "taken": "take", "drew": "draw", "drawn": "draw", "kept": "keep", "held": "hold",
    "brought": "bring", "began": "begin", "begun": "begin", "grew": "grow", "grown": "grow",
    "taught": "teach", "sold": "sell", "bought": "buy", "caught": "catch", "met": "meet", "won": "win",
    "spent": "spend", "sent": "send", "made": "make", "gave": "give", "given": "give", "went": "go",
    "gone": "go", "saw": "see", "seen": "see", "found": "find", "drove": "drive", "driven": "drive",
    "chose": "choose", "chosen": "choose", "rose": "rise", "risen": "rise", "fell": "fall",
    "fallen": "fall", "wrote": "write", "written": "write", "ran": "run", "led": "lead",
    "built": "build", "became": "become", "told": "tell", "spoke": "speak", "spoken": "speak",
    "stood": "stand", "understood": "understand", "oversaw": "oversee", "overseen": "oversee",
    "undertook": "undertake", "undertaken": "undertake", "withdrew": "withdraw", "shown": "show",
    "flew": "fly", "flown": "fly", "threw": "throw", "thrown": "throw", "dealt": "deal",
    "meant": "mean", "left": "leave", "lent": "lend", "paid": "pay", "laid": "lay", "said": "say",
    "sought": "seek", "thought": "think", "upheld": "uphold", "rebuilt": "rebuild", "rewrote": "rewrite",
}  # fmt: skip

_VERBS = """
    keep take draw reach go come get give bring hold start begin stay remain cover check see find
    put set let become grow show turn move serve ensure allow enable continue include involve meet
    carry spend send call ask try need want look tell say speak talk learn catch lift climb rise
    fall drop stand leave pay seek think mean deal undertake understand gather ready fill hit
    finish complete prove earn gain leverage utilize contribute partner collaborate
    """
_FUNCTION_WORDS = """
    many much every whose several few fewer less least another whole entire various numerous
    including along alongside among around throughout upon onto toward towards without beyond
    besides despite whether however therefore thus yet still even ever already always often
    roughly nearly almost approximately plus behind well single
    """
_SEASONS = "spring summer autumn winter"

ORDINARY_STEMS = frozenset(stem(w) for w in (_VERBS + _FUNCTION_WORDS + _SEASONS).split()) | frozenset(
    stem(m.strip(".")) for m in MONTHS
)

# A resume's framing: how long, how well, in what spirit. "Results-oriented Mechanical Design Engineer
# with 5 years of experience", "Proven record", "Deep expertise in running Kubernetes": praise and
# duration around the source's facts, which the facts' own checks judge (numbers, skills, claims).
# Words that could carry a new fact ("team", "strong", "ownership", "first") are left out on purpose.
_FRAMING = """
    experience experienced years year expertise proven record results-oriented results-driven
    detail-oriented patient-focused customer-focused people-focused mission-driven passionate
    hands-on overall skilled proficient known currently progressing focused background career
    seasoned dedicated motivated deep adept versed accomplished ability new recent graduate
    """
FRAMING_STEMS = frozenset(stem(w) for w in _FRAMING.split()) | frozenset(_FRAMING.split())

# Nouns that name the kind of thing the word before them already is: "desktop software" for the
# source's "desktop", "Python tooling". After a source word, such a noun adds no requirement.
CATEGORY_NOUNS = frozenset(
    stem(w)
    for w in """software tool tools tooling system systems platform platforms application applications
    solution solutions program programs service services product products process processes work
    task tasks activity activities unit units floor department designation designations credential
    credentials""".split()
)


def base_form(word: str) -> str:
    """The stem of a word's verb when it is an irregular past form, else its stem."""
    low = word.lower()
    return stem(IRREGULAR_FORMS.get(low, low))
