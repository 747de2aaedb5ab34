"""Build the tailored resume from the source, by construction.

The output starts as a deep copy of the source. Only checked lines are replaced, bullets and
skills are reordered toward the JD, and then `protect` copies every protected field back from
the source — contact block, employers, titles, dates, locations, education, certificates — so
no step, and no model, can change them.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from app.grounding._evidence import EvidenceMap
from app.grounding._requirements import MUST
from app.pipeline._types import LineChange, Suggestion
from app.resume._document import REWRITABLE_SECTIONS

# Per section: the keys a step may change. Everything else in an entry is copied from the source.
EDITABLE = {
    "work": {"highlights"},
    "projects": {"highlights"},
    "volunteer": {"highlights"},
    "skills": {"keywords"},
}
_PATH_PART = re.compile(r"([A-Za-z_$][\w$]*)|\[(\d+)\]")


def _parts(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _PATH_PART.findall(path)]


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = _parts(path)
    target: Any = doc
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def apply_changes(source: dict[str, Any], changes: list[LineChange]) -> dict[str, Any]:
    out = copy.deepcopy(source)
    for change in changes:
        if change.status == "accepted":
            set_path(out, change.path, change.final)
    return out


def reorder(doc: dict[str, Any], emap: EvidenceMap, *, bullets: bool, skills: bool) -> None:
    """Most relevant bullets first within each entry; skills and skill groups by relevance. Stable."""
    if bullets:
        for section in REWRITABLE_SECTIONS:
            for i, entry in enumerate(doc.get(section) or []):
                items = entry.get("highlights")
                if isinstance(items, list) and len(items) > 1:
                    weights = [emap.weight(f"{section}[{i}].highlights[{j}]") for j in range(len(items))]
                    order = sorted(range(len(items)), key=lambda j: -weights[j])
                    entry["highlights"] = [items[j] for j in order]
    groups = doc.get("skills")
    if skills and isinstance(groups, list):
        group_weight = []
        for i, group in enumerate(groups):
            keywords = group.get("keywords")
            weight = emap.weight(f"skills[{i}].name")
            if isinstance(keywords, list):
                kw_weights = [emap.weight(f"skills[{i}].keywords[{j}]") for j in range(len(keywords))]
                group["keywords"] = [
                    keywords[j] for j in sorted(range(len(keywords)), key=lambda j: -kw_weights[j])
                ]
                weight += sum(kw_weights)
            group_weight.append(weight)
        doc["skills"] = [groups[i] for i in sorted(range(len(groups)), key=lambda i: -group_weight[i])]


def protect(source: dict[str, Any], out: dict[str, Any], accepted: set[str] | None = None) -> dict[str, Any]:
    """Copy every protected field back from the source; entries keep their number and order.

    Free text may differ from the source only where the fact-checker accepted it (`accepted`).
    """
    accepted = accepted or set()
    result: dict[str, Any] = {}
    for key, value in source.items():
        if key == "basics" and isinstance(value, dict):
            basics = copy.deepcopy(value)
            summary = (out.get("basics") or {}).get("summary")
            if isinstance(value.get("summary"), str) and summary in accepted:
                basics["summary"] = summary
            result[key] = basics
        elif key in EDITABLE and isinstance(value, list):
            result[key] = _protect_entries(key, value, out.get(key), accepted)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _protect_entries(section: str, source: list[Any], produced: Any, accepted: set[str]) -> list[Any]:
    if section == "skills":
        # Skill groups may be reordered, never changed: match each produced group to a source group.
        remaining = list(range(len(source)))
        ordered = []
        for group in produced if isinstance(produced, list) else []:
            match = next((i for i in remaining if source[i].get("name") == group.get("name")), None)
            if match is not None:
                remaining.remove(match)
                entry = copy.deepcopy(source[match])
                if sorted(map(str, group.get("keywords") or [])) == sorted(
                    map(str, entry.get("keywords") or [])
                ):
                    entry["keywords"] = list(group.get("keywords") or [])
                ordered.append(entry)
        return ordered + [copy.deepcopy(source[i]) for i in remaining]
    produced_list = produced if isinstance(produced, list) and len(produced) == len(source) else source
    result = []
    for src, new in zip(source, produced_list, strict=True):
        entry = copy.deepcopy(src)
        highlights = new.get("highlights") if isinstance(new, dict) else None
        allowed = set(src.get("highlights") or []) | accepted
        if (
            isinstance(highlights, list)
            and len(highlights) == len(src.get("highlights") or [])
            and all(isinstance(h, str) and h in allowed for h in highlights)
        ):
            entry["highlights"] = list(highlights)
        result.append(entry)
    return result


def suggestions(emap: EvidenceMap) -> list[Suggestion]:
    out = []
    for req in sorted(emap.requirements, key=lambda r: r.importance != MUST):
        where = emap.where.get(req.name, [])
        label = "must-have" if req.importance == MUST else "nice-to-have"
        if not where:
            out.append(
                Suggestion(
                    requirement=req.name,
                    importance=req.importance,
                    status="needs evidence",
                    note=(
                        f"The job lists {req.name} ({label}). Nothing in your resume shows it, so Tailor did not "
                        f"add it. If you have this experience, add a line saying where you used {req.name} "
                        "and what came of it."
                    ),
                )
            )
        elif all(p.startswith("skills") for p in where):
            out.append(
                Suggestion(
                    requirement=req.name,
                    importance=req.importance,
                    status="evidenced only in skills",
                    note=(
                        f"{req.name} ({label}) appears only in your skills list. A bullet showing it in use, "
                        "with a result, makes the claim credible."
                    ),
                )
            )
    return out
