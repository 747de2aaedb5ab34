"""Feedback on served jobs as candidate golden cases (`tailor feedback export`), pseudonymised.

One case per rated job, in the golden case format (golden/README.md, `evals.datasets.Case`), for a
person to review before it joins a dataset:

- `resume` and `job_description`: the job's inputs, with every contact detail the pipeline's own
  `ContactVault` finds (name and its parts, e-mail, phone, URLs, street address, postal code,
  profile handles, in the resume and in the JD) replaced by fictional values in the golden sets'
  style (`candidate1@example.com`, 555 numbers). A JSON Resume stays a JSON Resume.
- `reference`: the tailored resume, only when the newest rating is a thumbs up.
- `jd_requirements` and the evidenced / unevidenced lists: the pipeline's own reading of the JD,
  prefilled as a starting point; `facts` is left for the reviewer.
- `tags`: `feedback`, `rating-up|down`, `reason-<code>` of every rating, `pipeline-<label>`.

The free-text comment is never exported. Erased and purged jobs have nothing left to export.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from app.resume import PSEUDONYM_TOKEN_RE as TOKEN_RE
from app.resume import ContactVault, load_resume_source
from app.state import FeedbackEntry, JobEntry, StateStore

_FAKE_NAME_PARTS = ("Alex", "Morgan", "Example", "Casey", "Rivera")
_TOKEN_PARTS = re.compile(r"\[([A-Z]+)_(\d+)\]")


class FeedbackExport(BaseModel):
    cases: list[dict[str, Any]] = Field(default_factory=list)
    feedback_rows: int = 0
    jobs_rated: int = 0
    skipped_erased: int = 0  # erased or purged: no content left


def export_feedback_cases(store: StateStore, *, rating: str | None = None, limit: int = 100_000) -> FeedbackExport:
    """Every rated job (with `rating`, only jobs whose newest rating is that) as a candidate case."""
    rows = store.list_feedback(limit=limit)  # newest first
    by_job: dict[str, list[FeedbackEntry]] = defaultdict(list)
    for row in rows:
        by_job[row.job_id].append(row)
    export = FeedbackExport(feedback_rows=len(rows), jobs_rated=len(by_job))
    for job_id, entries in sorted(by_job.items(), key=lambda item: item[1][-1].at):  # oldest rated first
        if rating is not None and entries[0].rating != rating:
            continue
        job = store.get_job(job_id)
        if job is None or job.status == "erased" or not job.resume_text or not job.jd_text:
            export.skipped_erased += 1
            continue
        export.cases.append(candidate_case(job, entries))
    return export


def candidate_case(job: JobEntry, ratings: list[FeedbackEntry]) -> dict[str, Any]:
    """The golden case for one job and its ratings (newest first), pseudonymised."""
    assert job.resume_text is not None and job.jd_text is not None
    parsed = load_resume_source(job.resume_text)
    vault = ContactVault.from_resume(parsed, extra_texts=[job.jd_text])
    fake = _Fictional(vault)
    is_json = job.resume_text.lstrip().startswith("{")
    resume: dict[str, Any] | str = fake.deep(json.loads(job.resume_text)) if is_json else fake.text(job.resume_text)
    tags = ["feedback", *_unique(f"rating-{r.rating}" for r in ratings), *_unique(f"reason-{r.reason}" for r in ratings)]
    tags.append(f"pipeline-{job.pipeline_label}")
    case: dict[str, Any] = {
        "id": f"feedback-{job.id[:16].lower()}",
        "tags": tags,
        "resume": resume,
        "job_description": fake.text(job.jd_text),
    }
    result = job.result or {}
    if ratings[0].rating == "up" and result.get("markdown"):
        case["reference"] = fake.text(str(result["markdown"]))
    requirements = [r for r in result.get("requirements") or [] if isinstance(r, dict) and r.get("name")]
    if requirements:
        names = {kind: _unique(str(r["name"]) for r in requirements if r.get("importance") == kind)
                 for kind in ("must_have", "nice_to_have")}  # fmt: skip
        case["jd_requirements"] = names
        listed = set(names["must_have"]) | set(names["nice_to_have"])
        case["evidenced_requirements"] = _unique(str(r["name"]) for r in requirements if r.get("evidenced") and r["name"] in listed)
        case["unevidenced_requirements"] = [
            n for n in _unique(str(r["name"]) for r in requirements if not r.get("evidenced"))
            if n in listed and n not in case["evidenced_requirements"]
        ]
    return case


class _Fictional:
    """Contact values -> the vault's tokens -> fictional values of the same kind, stable per export."""

    def __init__(self, vault: ContactVault) -> None:
        self.vault = vault
        self.names = self._name_map()

    def _name_map(self) -> dict[str, str]:
        full = self.vault.restore("[NAME_1]")
        if full == "[NAME_1]":
            return {}
        parts = [p for p in re.split(r"[\s,]+", full) if p]
        fake_parts = [_FAKE_NAME_PARTS[i % len(_FAKE_NAME_PARTS)] for i in range(len(parts))]
        mapping = {part.strip("."): fake for part, fake in zip(parts, fake_parts, strict=True)}
        mapping[full] = " ".join(fake_parts)
        return mapping

    def text(self, text: str) -> str:
        return TOKEN_RE.sub(self._fake, self.vault.pseudonymise(text))

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        return value

    def _fake(self, match: re.Match[str]) -> str:
        token = match.group(0)
        parsed = _TOKEN_PARTS.match(token)
        assert parsed is not None
        kind, n = parsed.group(1), int(parsed.group(2))
        if kind == "NAME":
            return self.names.get(self.vault.restore(token), "Alex")
        return {
            "EMAIL": f"candidate{n}@example.com",
            "PHONE": f"(555) 010-{n:04d}",
            "URL": f"https://example.com/profile-{n}",
            "ADDRESS": f"{n} Example Street",
            "POSTCODE": "00000",
            "HANDLE": f"candidate-{n}",
        }.get(kind, "[removed]")


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))
