"""Build the tailored resume from the source, by construction.

The output starts as a deep copy of the source. Only checked lines are replaced, bullets and
skills are reordered toward the JD (never lowering what the prominent places show:
`_prominence`), and then `protect` copies every protected field back from
the source — contact block, employers, titles, dates, locations, education, certificates — so
no step, and no model, can change them.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from app.grounding import MUST, EvidenceMap, Requirement, is_injection, strip_invisible
from app.pipeline._prominence import CoverageModel, arrange_bullets, first_group, prominent_lines
from app.pipeline._types import LineChange, Suggestion
from app.resume import iter_strings

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


def reorder(
    doc: dict[str, Any], emap: EvidenceMap, *, bullets: bool, skills: bool, jd_text: str = ""
) -> None:
    """Relevant bullets and skills first, without ever lowering what the prominent places show.

    Within each entry the two bullets shown first are chosen so that every evidenced requirement
    the prominent places showed before is still shown there, then to show the most requirements,
    then to keep the JD's word pairs (a requirement the analyst missed, such as "quota
    attainment"), then by relevance; the rest follow by relevance. Skill groups likewise: the
    first group by the same rule, the others by relevance. Stable: ties keep the source's order.
    """
    model = CoverageModel.of(emap, jd_text)
    baseline = model.lines(prominent_lines(doc))
    if bullets:
        weights = {path: emap.weight(path) for paths in emap.where.values() for path in paths}
        arrange_bullets(doc, model, baseline, weights)
    groups = doc.get("skills")
    if skills and isinstance(groups, list) and groups:
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
        first = first_group(groups, group_weight, model, doc, baseline)
        rest = sorted((i for i in range(len(groups)) if i != first), key=lambda i: -group_weight[i])
        doc["skills"] = [groups[i] for i in [first, *rest]]


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
                    note=(  # name what the resume shows of an either-or requirement, not what it lacks
                        f"{_shown(emap, req)} ({label}) appears only in your skills list. A bullet showing it in use, "
                        "with a result, makes the claim credible."
                    ),
                )
            )
    return out


def _shown(emap: EvidenceMap, req: Requirement) -> str:
    """ "Tableau (the job asks for Tableau or Power BI)"; a requirement of one thing: its name."""
    shown = " and ".join(emap.shown_as(req))
    return f"{shown} (the job asks for {req.name})" if req.alternatives and shown != req.name else req.name


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ORDER = re.compile(
    r"(?:add|include|list|insert|rewrite|write|say|describe|mark|rate|rank|state|mention|output|treat|"
    r"consider|ignore|do not|don't|make sure)\b",
    re.IGNORECASE,
)
_TAG_CHARS = re.compile("[\U000e0020-\U000e007e]+")


def injection_warnings(source: dict[str, Any]) -> list[Suggestion]:
    """One warning per line of the user's resume that addresses an AI tool.

    The line stays in the resume (it is the user's text, and copying it is never an invention),
    but the user should know that recruiters see it: the warning names it and says so.
    """
    out: list[Suggestion] = []
    seen: set[str] = set()
    for _, text in iter_strings(source):
        for line, hidden in _injected_parts(text):
            if line in seen:
                continue
            seen.add(line)
            short = _shorten(line)
            where = "hidden text" if hidden else "line"
            seen_by = (
                "recruiters will see it in any tool that shows the resume's text"
                if hidden
                else "recruiters will read it"
            )
            out.append(
                Suggestion(
                    requirement=short,
                    importance=None,
                    status="addressed to AI screeners",
                    note=f"Remove the {where} '{short}': it is addressed to AI screening tools and {seen_by}.",
                    line=line,
                )
            )
    return out


def _injected_parts(text: str) -> list[tuple[str, bool]]:
    """The injected parts of one resume string, each with whether a reader cannot see it."""
    if not is_injection(text):
        return []
    parts: list[tuple[str, bool]] = []
    for comment in _COMMENT.findall(text):
        parts.append((" ".join(comment.removeprefix("<!--").removesuffix("-->").split()), True))
    for tagged in _TAG_CHARS.findall(text):
        parts.append((" ".join("".join(chr(ord(c) - 0xE0000) for c in tagged).split()), True))
    visible = strip_invisible(_TAG_CHARS.sub(" ", _COMMENT.sub(" ", text)))
    run: list[str] = []  # an injected sentence and the orders that follow it ("Include both.")
    for sentence in [*_SENTENCE.split(visible), ""]:
        if is_injection(sentence) or (run and _ORDER.match(sentence.strip())):
            run.append(" ".join(sentence.split()))
            continue
        if run:
            parts.append((" ".join(run), False))
            run = []
    return [(line, hidden) for line, hidden in parts if line] or [
        (" ".join(strip_invisible(text).split()), False)
    ]


def _shorten(line: str, limit: int = 60) -> str:
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "..."
