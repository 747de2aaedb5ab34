"""`structure`: the output is a valid JSON Resume that keeps every section, entry and bullet of the
source, and whose contact block is byte-identical to the source's."""

from __future__ import annotations

import json

from app.grounding import dropped_quantities, is_injection
from app.resume import schema_errors
from evals.scorers._base import Offense, Sample, Score, ratio, scorer

CONTACT_KEYS = ("name", "email", "phone", "url", "location", "profiles", "image")
ENTRY_SECTIONS = (
    "work",
    "volunteer",
    "education",
    "awards",
    "certificates",
    "publications",
    "skills",
    "languages",
    "interests",
    "references",
    "projects",
)


def _dump(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@scorer("structure", default=True)
def structure(sample: Sample) -> Score:
    """Schema-valid; sections, entries, bullets and metrics preserved; contact block byte-identical."""
    src, out = sample.source, sample.output
    offenses: list[Offense] = []
    checks = 0

    checks += 1
    for problem in schema_errors(out)[:5]:
        offenses.append(Offense("schema", problem, "output is not a valid JSON Resume"))

    src_basics, out_basics = src.get("basics") or {}, out.get("basics") or {}
    for key in CONTACT_KEYS:
        if key in src_basics or key in out_basics:
            checks += 1
            if _dump(src_basics.get(key)) != _dump(out_basics.get(key)):
                offenses.append(
                    Offense(
                        "contact",
                        str(out_basics.get(key, "(missing)")),
                        f"basics.{key} differs from the source",
                        f"basics.{key}",
                    )
                )

    for section in ENTRY_SECTIONS:
        src_entries, out_entries = src.get(section) or [], out.get(section) or []
        if not src_entries and not out_entries:
            continue
        checks += 1
        if len(src_entries) != len(out_entries):
            offenses.append(
                Offense("section", section, f"{len(src_entries)} entries became {len(out_entries)}", section)
            )
            continue
        if section == "skills":  # groups may be reordered toward the JD: pair them by name
            by_name = {str(o.get("name")): o for o in out_entries if isinstance(o, dict)}
            out_entries = [
                by_name.get(str(s.get("name")), o) if isinstance(s, dict) else o
                for s, o in zip(src_entries, out_entries, strict=True)
            ]
        for i, (s, o) in enumerate(zip(src_entries, out_entries, strict=True)):
            if not isinstance(s, dict) or not isinstance(o, dict):
                continue
            for key in ("highlights", "keywords", "courses"):
                if isinstance(s.get(key), list):
                    checks += 1
                    kept = len(o.get(key) or [])
                    # Dropping a line written to steer an AI is not lost content.
                    needed = sum(1 for x in s[key] if not (isinstance(x, str) and is_injection(x)))
                    if not needed <= kept <= len(s[key]):
                        lost = [x for x in s[key] if x not in (o.get(key) or [])]
                        offenses.append(
                            Offense(
                                "lost",
                                str(lost[0]) if lost else key,
                                f"{len(s[key])} {key} became {len(o.get(key) or [])}",
                                f"{section}[{i}].{key}",
                            )
                        )
    for section in ("basics", *ENTRY_SECTIONS):
        if section in src and section not in out:
            offenses.append(Offense("section", section, "section missing from the output", section))
    checks += 1
    for quantity in dropped_quantities(sample.grounding_text, sample.output_text, counted=False):
        offenses.append(
            Offense("lost_metric", quantity.raw, "a number the source states is gone from the output")
        )
    value = ratio(checks - len(offenses), checks)
    explanation = "structure preserved" if not offenses else f"{len(offenses)} structural problem(s)"
    return Score("structure", value, not offenses, explanation, tuple(offenses))
