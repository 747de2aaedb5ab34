"""The traps check of `fabrication`: a requirement the source does not evidence, claimed anyway."""

from __future__ import annotations

from typing import Any, Protocol

from app.grounding import Grounder, SkillLexicon, contract_expansions, mentions
from app.resume import iter_strings
from evals.scorers._base import Offense, Sample
from evals.scorers._fabrication_families import PERSONAL_TRAITS, Families, stated_by_family
from evals.scorers._fabrication_lines import copied_from_source, requirement_span, source_units


class TrapSource(Protocol):
    """What the traps check reads of the source (`fabrication._Source` is one)."""

    stems: set[str]
    families: Families
    grounder: Grounder


def trap_offenses(sample: Sample, src: TrapSource) -> list[Offense]:
    """A requirement the source does not evidence, claimed in any line (structured ones too, never
    a group heading such as "Observability & Incident Response:"), read as the other checks read
    it ("Project Management Professional" is the source's PMP) and reported by the words that name
    it, never by a whole sentence. A trap derived from the JD by rules (no labelled case) is judged
    as any skill is: the source may ground it by is-a, word family or meaning ("Electronic Health
    Records" for Epic, "Demand Planning" for a "Demand & Supply Planner")."""
    units, grounding = source_units(sample), sample.grounding_text
    derived = "derived" in sample.case.tags
    traps = [
        t
        for t in sample.case.unevidenced_requirements
        if not mentions(grounding, t) and not (derived and _derived_trap_grounded(t, src))
    ]
    lines = [
        text
        for path, text in iter_strings(sample.output)
        if traps
        and path
        and path[-1] not in ("url", "email", "phone", "image", "username")
        and not _heading(path)
    ]
    offenses = []
    for trap in traps:
        for line in lines:
            if not mentions(line, trap) or copied_from_source(line, units, grounding):
                continue
            read = contract_expansions(line, grounding)
            span = requirement_span(read, trap) if mentions(read, trap) else None
            if span:
                offenses.append(Offense("skill", span, f"trap requirement {trap!r} claimed", ""))
                break
    return offenses


def _heading(path: tuple[Any, ...]) -> bool:
    keys = [p for p in path if isinstance(p, str)]
    return keys in (["skills", "name"], ["x-sections", "title"])


def _derived_trap_grounded(trap: str, src: TrapSource) -> bool:
    """A derived trap the source grounds as a skill, or a personal trait ("Attention to Detail"):
    a judgement of the candidate that no source states, so no rule can call it unevidenced."""
    if SkillLexicon.default().canonical(trap) in PERSONAL_TRAITS or trap in PERSONAL_TRAITS:
        return True
    return stated_by_family(trap, src.stems, src.families) or src.grounder.ground(trap).grounded
