"""`narrative`: does a line say something new without a new number, skill or name?

A line that brings three or more words the source never uses, two of them side by side, states
something the source does not: "…by adding a peer review step", a few-shot example copied whole
into a rewrite. `fabrication` judges facts (employers, titles, dates, degrees, certificates,
numbers, skills, names); this judges the story around them, and is kept apart because honest
rewording by a skilled writer trips it far more often (golden/README.md has the figures).

Words are compared after the same readings as `fabrication`: glosses, acronyms spelled out, word
families, ordinals, short forms; skills and degrees are left to `fabrication`.
"""

from __future__ import annotations

from app.grounding import SkillLexicon, contract_expansions
from evals.scorers._base import Offense, Sample, Score, ratio, scorer
from evals.scorers._fabrication_families import Families
from evals.scorers._fabrication_fields import free_text
from evals.scorers._fabrication_lines import copied_from_source, source_units
from evals.scorers._fabrication_words import new_content, stems_and_parts
from evals.scorers.fabrication import spelled_like_source


@scorer("narrative", default=True, fact_check=True)
def narrative(sample: Sample) -> Score:
    """Share of lines that say nothing the source does not; each new phrase as an offense."""
    lexicon = SkillLexicon.default()
    source_text = sample.grounding_text
    source_words = stems_and_parts(source_text)
    families = Families(source_text)
    units = source_units(sample)
    lines = free_text(spelled_like_source(sample.output, source_text))
    offenses = [
        Offense("narrative", span, detail, path)
        for path, text in lines
        if ".keywords." not in path and not copied_from_source(text, units, source_text)
        for _, span, detail in new_content(
            contract_expansions(text, source_text), source_words, lexicon, families, source_text
        )
    ]
    bad = {o.path for o in offenses}
    value = ratio(sum(1 for path, _ in lines if path not in bad), len(lines))
    explanation = (
        "no line says more than the source"
        if not offenses
        else f"{len(offenses)} line(s) with words the source never uses"
    )
    return Score("narrative", value, not offenses, explanation, tuple(offenses))
