"""The application's grounding figures from a results folder: what the fact-checker accepted and
reverted, the `jd_coverage` lift, and "needs evidence" suggestions the case's labels contradict.

    python -m evals.figures RESULTS_DIR [RESULTS_DIR ...] --dataset golden:core

A suggestion is contradicted when it names a requirement the case labels as evidenced by the
resume (`evidenced_requirements`), compared as requirement phrases (`same_phrase`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from app.grounding import same_phrase


class PipelineFigures(BaseModel):
    results: str
    cases: int
    accepted: int
    reverted: int
    unchanged: int
    mean_lift: float
    negative_lift: list[str]
    needs_evidence: int
    contradicted: int
    contradicted_examples: list[str]
    fabrication_failed: list[str]


def figures(results: Path, evidenced: dict[str, list[str]]) -> PipelineFigures:
    records = [
        json.loads(line)
        for line in (results / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    records = [r for r in records if r.get("status") == "ok"]
    statuses = [c.get("status") for r in records for c in r.get("changes", [])]
    lifts = {r["case_id"]: r["scores"]["jd_coverage"]["details"].get("lift", 0.0) for r in records}
    needs, contradicted = 0, []
    for r in records:
        for s in r["output"].get("suggestions", []):
            if s.get("status") != "needs evidence":
                continue
            needs += 1
            if any(same_phrase(s["requirement"], e) for e in evidenced.get(r["case_id"], [])):
                contradicted.append(f"{r['case_id']}: {s['requirement']}")
    return PipelineFigures(
        results=str(results),
        cases=len(records),
        accepted=statuses.count("accepted"),
        reverted=statuses.count("reverted"),
        unchanged=statuses.count("unchanged"),
        mean_lift=round(sum(lifts.values()) / max(1, len(lifts)), 4),
        negative_lift=sorted(f"{k} {v:+.2f}" for k, v in lifts.items() if v < 0),
        needs_evidence=needs,
        contradicted=len(contradicted),
        contradicted_examples=contradicted[:12],
        fabrication_failed=sorted(
            r["case_id"] for r in records if r["scores"]["fabrication"].get("passed") is False
        ),
    )


def main(argv: list[str] | None = None) -> None:
    from app.settings import get_settings
    from evals.datasets import open_dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--dataset", required=True)
    args = parser.parse_args(argv)
    dataset = open_dataset(args.dataset, get_settings().datasets)
    evidenced = {c.id: list(c.evidenced_requirements) for c in dataset.cases}
    for folder in args.results:
        print(figures(folder, evidenced).model_dump_json(indent=2))


if __name__ == "__main__":
    main()


class LabelledRequirement(BaseModel):
    name: str
    alternatives: list[str] = []
    evidenced: bool
    where: str | None = None


class LabelledEvidence(BaseModel):
    """One row of an `evidence.jsonl` written beside labelled tailorings (golden/fabrications/b5)."""

    resume: str
    jd: str
    requirements: list[LabelledRequirement]


class EvidenceAgreement(BaseModel):
    pairs: int
    requirements: int  # extracted by the JD analyst's rules
    matched: int  # ... that name a labelled requirement
    needs_evidence: int  # matched ones the mapper leaves unevidenced
    contradicted: int  # ... that the labels say the resume shows
    unfounded: int  # matched ones the mapper evidences that the labels say it does not
    examples: list[str]


def evidence_agreement(path: Path, method: str = "lexical") -> EvidenceAgreement:
    """The evidence mapper against labelled evidence, on the rules path (no model): for each JD
    requirement the analyst extracts, does the mapper's verdict agree with the people's?"""
    from app.grounding import extract_requirements, line_grounds, map_evidence, mentions
    from app.resume import job_description_text, load_resume_source

    matcher: Callable[[str, str], bool] = line_grounds if method == "grounded" else mentions
    rows = [
        LabelledEvidence.model_validate_json(x) for x in path.read_text(encoding="utf-8").splitlines() if x
    ]
    total = matched = needs = contradicted = unfounded = 0
    examples: list[str] = []
    for row in rows:
        resume = load_resume_source((path.parent / row.resume).read_text(encoding="utf-8"))
        jd = job_description_text((path.parent / row.jd).read_text(encoding="utf-8"))
        requirements = extract_requirements(jd)
        emap = (
            map_evidence(resume, requirements, matcher=matcher)
            if method != "lexical"
            else map_evidence(resume, requirements)
        )
        for req in requirements:
            total += 1
            labels = [
                lab
                for lab in row.requirements
                if any(
                    mentions(option, name)
                    for option in (lab.name, *lab.alternatives)
                    for name in (req.name, *getattr(req, "alternatives", ()))
                )
            ]
            if not labels:
                continue
            matched += 1
            shown = bool(emap.where.get(req.name))
            if not shown:
                needs += 1
                if all(lab.evidenced for lab in labels):
                    contradicted += 1
                    examples.append(f"{row.resume}: needs evidence {req.name!r}, labelled shown")
            elif not any(lab.evidenced for lab in labels):
                unfounded += 1
                examples.append(f"{row.resume}: evidenced {req.name!r}, labelled not shown")
    return EvidenceAgreement(
        pairs=len(rows),
        requirements=total,
        matched=matched,
        needs_evidence=needs,
        contradicted=contradicted,
        unfounded=unfounded,
        examples=examples,
    )
