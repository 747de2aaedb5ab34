"""Word families and frame words: how the fact scorers read a phrase an editor or a hosted model
built around the source's own words.

- **Word families.** "Cost Reduction" restates "reduced average part cost"; "Demand Forecasting"
  restates "forecast accuracy" beside a "Demand & Supply Planner"; "execute" restates "planogram
  execution". Two words are of one family when, each without its derivational ending ("-tion",
  "-ing", "-er", "-al", "-ics"...), one root is the other's or extends it by at most three letters
  (so "intern" is not "international", nor "care" "career").
- **Frame words.** A resume's own vocabulary names no requirement, tool or result: "experience",
  "years", "background", "expertise", "track record". Nor does the activity a specific noun
  is the object of ("inventory management", "shrink control", "self-service strategy", "budget
  ownership"): the specific word carries the claim, and it is checked as such.
- **Personal traits** ("Detail-oriented", "Adaptability") are the writer's judgement of the
  candidate, not a fact a source can state or an invention a check can catch.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.grounding import STOPWORDS, content_words, stem

_SUFFIXES = sorted(
    """ations ation itions ition tions tion sions sion ions ion ments ment ness ships ship ings ing
    ers er ors or ives ive ities ity ics ic ical ally al ly ed es s ysis yses ysts yst ytics ytic
    izes izing ized ize ises ising ised ise yzes yzing yzed yze ances ance ences ence ants ant ents
    ent ables able ibles ible abil ibil abl ibl ists ist e""".split(),
    key=len,
    reverse=True,
)
_MIN_ROOT = 4
_INFLECTIONS = frozenset({"s", "es", "ity", "ities", "ly", "ally"})
_MAX_EXTENSION = 3


@lru_cache(maxsize=65536)
def family_root(word: str) -> str:
    """The word without one derivational ending ("reduction" -> "reduc", "planner" -> "plann")."""
    low = word.lower().strip(".'")
    for _ in range(2):  # "reliability" -> "reliabil" -> "reli"; "international" stays "internation"
        cut = next((x for x in _SUFFIXES if low.endswith(x) and len(low) - len(x) >= _MIN_ROOT), None)
        if cut is None:
            break
        low = low[: -len(cut)]
        if cut not in _INFLECTIONS:
            break
    return low


def same_family(a: str, b: str) -> bool:
    """ "reduction" and "reduced", "reliable" and "reliability"; never "intern" and "international",
    nor "care" and "career" (a four-letter root is one family only when both words had an ending)."""
    ra, rb = family_root(a), family_root(b)
    if ra == rb and len(ra) >= _MIN_ROOT and ra != a.lower() and rb != b.lower():
        return True
    short, long = sorted((ra, rb), key=len)
    return len(short) >= 5 and long.startswith(short) and len(long) - len(short) <= _MAX_EXTENSION


class Families:
    """The word families of one source text, indexed for look-ups by root prefix."""

    def __init__(self, text: str) -> None:
        words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]", text)}
        parts = {p for w in words for p in w.split("-") if len(p) > 1}
        self._by_prefix: dict[str, set[str]] = {}
        for word in words | parts:
            if len(family_root(word)) >= _MIN_ROOT:
                self._by_prefix.setdefault(family_root(word)[:_MIN_ROOT], set()).add(word)

    def knows(self, word: str) -> bool:
        """Whether the source uses a word of `word`'s family."""
        root = family_root(word)
        if len(root) < _MIN_ROOT:
            return False
        return any(same_family(word, other) for other in self._by_prefix.get(root[:_MIN_ROOT], ()))


# Resume vocabulary that names no requirement, tool or result.
_FRAME = """
experience experiences experienced year years yr yrs background career expertise proficiency
proficient knowledge skilled skills skill ability abilities track record proven strong deep solid
hands-on overall including demonstrated extensive familiarity familiar working understanding
future team teams focus focused focusing history new recent graduate
"""
# The activity a specific noun is the object of: "inventory management", "shrink control".
_ACTIVITY_HEADS = """
management control operations strategy strategies ownership oversight administration
execution handling support activities practices processes process programs program initiatives
documentation
"""
_VERBS = "perform performed performing execute executed executing conduct conducted conducting"
FRAME_STEMS = frozenset(stem(w) for w in (_FRAME + _ACTIVITY_HEADS + _VERBS).split()) | frozenset(
    (_FRAME + _ACTIVITY_HEADS + _VERBS).split()
)

# Judgements of the candidate, not facts: a source cannot state them, a check cannot catch them.
PERSONAL_TRAITS = frozenset(
    """Attention to Detail|Adaptability|Problem Solving|Critical Thinking|Teamwork|Communication|
    Time Management|Organizational Skills|Multitasking|Empathy|Active Listening|Emotional Intelligence|
    Interpersonal Skills|Analytical Skills|Strategic Thinking|Decision Making|Prioritization""".replace(
        "\n", ""
    )
    .replace("    ", "")
    .split("|")
)


def is_frame_word(word: str) -> bool:
    low = word.lower()
    return low in FRAME_STEMS or stem(low) in FRAME_STEMS


def specific_words(phrase: str) -> list[str]:
    """The content words of `phrase` that could name something: not frame words, not small words."""
    return [w for w in content_words(phrase) if w not in STOPWORDS and not is_frame_word(w)]


def stated_by_family(phrase: str, source_words: set[str], families: Families) -> bool:
    """Whether every specific word of `phrase` is a source word or of a source word's family, and
    there is at least one ("Cost Reduction" for "reduced average part cost"; "Inventory
    Management" for "Inventory counts"; never "Inventory Optimization")."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", phrase) if w.lower() not in STOPWORDS]
    specific = [w for w in words if not is_frame_word(w)]
    return bool(specific) and all(known_in_family(w, source_words, families) for w in specific)


def known_in_family(word: str, source_words: set[str], families: Families) -> bool:
    """A source word, a word of a source word's family, or a compound whose parts all are."""
    low = word.lower().strip("'-")
    if low in source_words or stem(low) in source_words or families.knows(low):
        return True
    parts = [p for p in re.split(r"[-/]", low) if p]
    return len(parts) > 1 and all(
        len(p) < 2 or p in STOPWORDS or known_in_family(p, source_words, families) for p in parts
    )


# A soft skill names an activity, which a source states in its own words: "Coaching" for "Mentor
# two trainees", "Leadership" for "Lead technician", "Customer Service" for "handled guest
# complaints". Each is grounded by a source word of one of its activities (stems); a soft skill
# whose activity the source never names stays a skill to check.
_LEAD = "lead leader led leads leadership manage manager managed managing management supervise supervised supervisor director head"
_TEACH = "coach coached coaching mentor mentored mentoring train trained trainer trainees training precept preceptor preceptors tutor tutored onboarding onboarded"
_SERVE = "customer customers guest guests client clients caller callers shopper shoppers"
_SOFT_SKILL_WORDS = {
    "Leadership": _LEAD,
    "People Management": _LEAD + " staff team hire hired hiring direct reports",
    "Team Building": _LEAD + " hire hired hiring",
    "Delegation": _LEAD,
    "Coaching": _TEACH,
    "Mentoring": _TEACH,
    "Customer Service": _SERVE,
    "Complaint Resolution": "complaint complaints escalation escalations escalated grievance grievances",
    "Conflict Resolution": "conflict conflicts dispute disputes escalation escalations escalated grievance grievances",
}
SOFT_SKILL_STEMS = {
    name: frozenset(stem(w) for w in words.split()) for name, words in _SOFT_SKILL_WORDS.items()
}


def soft_skill_shown(canonical: str | None, source_words: set[str]) -> bool:
    """Whether `canonical` is a soft skill whose activity a source word names ("mentored" for
    "Coaching"); false for any other skill."""
    stems = SOFT_SKILL_STEMS.get(canonical or "")
    return stems is not None and not stems.isdisjoint(source_words)
