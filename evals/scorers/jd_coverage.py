"""`jd_coverage`: how visibly the output states the JD requirements the source supports, and the lift
over the untailored resume.

Only evidenced requirements count: a requirement the source does not support can never raise
coverage (claiming it is the fabrication scorer's business). "Visible" means stated in the
summary, the first two bullets of each role or project, or the first skills group: what a
recruiter reads in a six-second scan. Nothing evidenced may be lost from the resume as a whole.
"""

from __future__ import annotations

from typing import Any

from app.grounding import mentions
from evals.scorers._base import Offense, Sample, Score, ratio, scorer

TOP_BULLETS = 2


def prominent_text(resume: dict[str, Any]) -> str:
    parts = [
        str((resume.get("basics") or {}).get("summary") or ""),
        str((resume.get("basics") or {}).get("label") or ""),
    ]
    for section in ("work", "projects", "volunteer"):
        for entry in resume.get(section) or []:
            if isinstance(entry, dict):
                parts += [str(h) for h in (entry.get("highlights") or [])[:TOP_BULLETS]]
                parts.append(str(entry.get("summary") or ""))
    skills = resume.get("skills") or []
    if skills and isinstance(skills[0], dict):
        parts += [str(skills[0].get("name") or "")] + [str(k) for k in skills[0].get("keywords") or []]
    return "\n".join(p for p in parts if p)


@scorer("jd_coverage", default=True)
def jd_coverage(sample: Sample) -> Score:
    """Share of evidenced JD requirements the output states prominently; lift over the source."""
    evidenced = [r for r in sample.case.evidenced_requirements if mentions(sample.grounding_text, r)]
    unconfirmed = [r for r in sample.case.evidenced_requirements if r not in evidenced]
    if not evidenced:
        return Score.missing("jd_coverage", "the case has no evidenced requirement the source states")
    out_top, src_top = prominent_text(sample.output), prominent_text(sample.source)
    covered = [r for r in evidenced if mentions(out_top, r)]
    source_covered = [r for r in evidenced if mentions(src_top, r)]
    lost = [r for r in evidenced if not mentions(sample.output_text, r)]
    value = ratio(len(covered), len(evidenced))
    lift = round(value - ratio(len(source_covered), len(evidenced)), 4)
    offenses = tuple(Offense("lost", r, "an evidenced requirement disappeared from the resume") for r in lost)
    offenses += tuple(
        Offense("not_prominent", r, "evidenced but not in the summary, top bullets or first skills")
        for r in evidenced
        if r not in covered and r not in lost
    )
    return Score(
        "jd_coverage",
        value,
        passed=not lost and lift >= 0,
        explanation=f"{len(covered)}/{len(evidenced)} evidenced requirements prominent (lift {lift:+.2f})",
        offenses=offenses,
        details={
            "lift": lift,
            "source_coverage": ratio(len(source_covered), len(evidenced)),
            "full_coverage": ratio(len(evidenced) - len(lost), len(evidenced)),
            "unconfirmed_labels": unconfirmed,
        },
    )
