"""`tailor datasets check`: every case valid, every fact present in its resume, the labels consistent.

Errors make the check fail; warnings point at labels the deterministic matcher cannot confirm
(an evidenced requirement the resume states only indirectly), which a human should look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.grounding import PRESENT, contains_phrase, find_dates, mentions, parse_range, same_phrase
from app.resume import resume_text, schema_errors
from evals.datasets._case import Case

PHRASE_FACTS = ("employers", "titles", "degrees", "schools", "certifications", "metrics")


@dataclass
class CaseReport:
    case_id: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_case(case: Case) -> CaseReport:
    report = CaseReport(case.id)
    err, warn = report.errors.append, report.warnings.append
    if isinstance(case.resume, dict):
        for problem in schema_errors(case.resume)[:3]:
            err(f"resume: {problem}")
    elif not case.resume.strip():
        err("resume is empty")
    if isinstance(case.reference, dict):
        for problem in schema_errors(case.reference)[:3]:
            err(f"reference: {problem}")
    text = resume_text(case.resume)

    for kind in PHRASE_FACTS:
        for fact in getattr(case.facts, kind):
            if not contains_phrase(text, fact):
                err(f"facts.{kind}: {fact!r} does not occur in the resume")
    for fact in case.facts.skills:
        if not mentions(text, fact):
            err(f"facts.skills: {fact!r} is not evidenced by the resume text")
    resume_dates = find_dates(text)
    for fact in case.facts.date_ranges:
        parsed = parse_range(fact)
        if parsed is None:
            err(f"facts.date_ranges: {fact!r} is not a date or date range")
            continue
        for end in (d for d in parsed if d is not None):
            if end is PRESENT and PRESENT in resume_dates:
                continue
            if not any(end.same_as(d) for d in resume_dates):
                err(f"facts.date_ranges: {fact!r}: {end.iso()} does not occur in the resume")

    requirements = case.jd_requirements.all()
    for req in requirements:
        if not req.strip():
            err("jd_requirements: empty requirement")
    for label in ("evidenced_requirements", "unevidenced_requirements"):
        for req in getattr(case, label):
            if not any(same_phrase(req, r) for r in requirements):
                err(f"{label}: {req!r} is not one of jd_requirements")
    for req in case.evidenced_requirements:
        if any(same_phrase(req, trap) for trap in case.unevidenced_requirements):
            err(f"{req!r} is both evidenced and unevidenced")
        elif not mentions(text, req):
            warn(f"evidenced requirement {req!r} is not stated in the resume in words the matcher finds")
    for trap in case.unevidenced_requirements:
        if mentions(text, trap):
            err(f"unevidenced requirement {trap!r} is mentioned by the resume")
    if isinstance(case.reference, dict) and not report.errors:
        for problem in _check_reference(case):
            err(problem)
    return report


def _check_reference(case: Case) -> list[str]:
    """A reference is a faithful tailoring: the fabrication and structure scorers must pass it."""
    from evals.runner import source_resume
    from evals.scorers import Sample
    from evals.scorers.fabrication import fabrication
    from evals.scorers.structure import structure

    assert isinstance(case.reference, dict)
    sample = Sample(case=case, source=source_resume(case), output=case.reference)
    problems = []
    for score in (fabrication(sample), structure(sample)):
        for o in score.offenses:
            if score.name == "structure" and not isinstance(case.resume, dict) and o.kind != "schema":
                continue  # a text resume's parse need not match a hand-written JSON reference field by field
            problems.append(f"reference fails {score.name}: {o.kind} {o.span!r} ({o.detail})")
    return problems[:5]


def check_cases(cases: list[Case]) -> list[CaseReport]:
    return [check_case(case) for case in cases]
