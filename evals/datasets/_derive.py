"""Ground truth derived from a resume and a JD alone, for scoring outputs that have no golden case.

Facts come from the resume's structure (employers, titles, dates, schools, certificates), its
numbers and the skills it names; requirements from the JD by rules; a requirement is evidenced
when the resume states it and a trap otherwise. Weaker than a labelled case, but never invented.
"""

from __future__ import annotations

from typing import Any

from app.grounding import MUST, SkillLexicon, extract_requirements, find_quantities, mentions
from app.hashing import sha256_json
from app.resume import resume_text
from evals.datasets._case import Case, Facts, Requirements


def _values(resume: dict[str, Any], section: str, key: str) -> list[str]:
    return [str(e[key]) for e in resume.get(section) or [] if isinstance(e, dict) and e.get(key)]


def derive_case(resume: dict[str, Any], jd_text: str, case_id: str | None = None) -> Case:
    text = resume_text(resume)
    ranges = [
        f"{e['startDate']} - {e.get('endDate') or 'Present'}"
        for e in resume.get("work") or []
        if isinstance(e, dict) and e.get("startDate")
    ]
    degrees = [
        " ".join(x for x in (e.get("studyType"), e.get("area")) if x) for e in resume.get("education") or []
    ]
    facts = Facts(
        employers=_values(resume, "work", "name"),
        titles=_values(resume, "work", "position"),
        date_ranges=ranges,
        degrees=[d for d in degrees if d],
        schools=_values(resume, "education", "institution"),
        certifications=_values(resume, "certificates", "name"),
        metrics=sorted({q.raw for q in find_quantities(text)}),
        skills=sorted({m.canonical for m in SkillLexicon.default().find(text)}),
    )
    requirements = extract_requirements(jd_text)
    evidenced = [r.name for r in requirements if mentions(text, r.name)]
    return Case(
        id=case_id or f"derived-{sha256_json({'r': resume, 'j': jd_text})[:10]}",
        resume=resume,
        job_description=jd_text,
        tags=["derived"],
        facts=facts,
        jd_requirements=Requirements(
            must_have=[r.name for r in requirements if r.importance == MUST],
            nice_to_have=[r.name for r in requirements if r.importance != MUST],
        ),
        evidenced_requirements=evidenced,
        unevidenced_requirements=[r.name for r in requirements if r.name not in evidenced],
    )
