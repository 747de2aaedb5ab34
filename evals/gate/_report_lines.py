"""What changed between the baseline's and the candidate's output for one case, line by line.

Records carry each rewritable line's `original` and `final` text in `changes` (pseudonymised).
Records written before that carry only path and status: for them the two runs' tailored resumes
are compared leaf by leaf, a bullet that only moved within its list is not a change, and a side's
status is read from the text (not among the source's lines: accepted; otherwise unchanged, so a
reverted line reads as unchanged) with the original unknown.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from markupsafe import Markup, escape
from pydantic import BaseModel

from evals.runner import CaseRecord

_DOTTED_INDEX = re.compile(r"\.(\d+)(?=\.|$)")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class LineDiff(BaseModel):
    """One line whose final text differs between the two runs (None: the side has no such line)."""

    path: str  # e.g. work[0].highlights[2] or basics.summary
    original: str | None  # the source line, when the records say it
    baseline_final: str | None
    candidate_final: str | None
    baseline_status: str | None  # accepted, reverted, unchanged; None when the side did not touch it
    candidate_status: str | None


def normalise_path(path: str) -> str:
    """`work.0.highlights.1` -> `work[0].highlights[1]` (the pipeline's notation); others unchanged."""
    return _DOTTED_INDEX.sub(r"[\1]", path)


def path_sort_key(path: str) -> tuple[tuple[int, str, int], ...]:
    """Document order: `work[2]` before `work[10]`."""
    return tuple((1, "", int(index)) if index else (0, name, 0) for name, index in _PATH_PART.findall(path))


def changed_lines(baseline: CaseRecord, candidate: CaseRecord) -> list[LineDiff]:
    """Every line whose final text differs between the two runs, in document order."""
    if _has_final_text(baseline) and _has_final_text(candidate) and (baseline.changes or candidate.changes):
        diffs = _from_changes(baseline, candidate)
    else:
        diffs = _from_outputs(baseline, candidate)
    return sorted(diffs, key=lambda d: path_sort_key(d.path))


def _has_final_text(record: CaseRecord) -> bool:
    return all("final" in change and "original" in change for change in record.changes)


def _changes_by_path(record: CaseRecord) -> dict[str, dict[str, Any]]:
    return {normalise_path(str(c.get("path", ""))): c for c in record.changes}


def _final_text(change: dict[str, Any]) -> str:
    final = change.get("final")
    if change.get("status") != "accepted" and not final:
        return str(change.get("original") or "")
    return str(final or "")


def _from_changes(baseline: CaseRecord, candidate: CaseRecord) -> list[LineDiff]:
    base, cand = _changes_by_path(baseline), _changes_by_path(candidate)
    diffs = []
    for path in base.keys() | cand.keys():
        b, c = base.get(path), cand.get(path)
        original = str((b or c or {}).get("original") or "")
        b_final = _final_text(b) if b else original  # a line a side did not select stays as it was
        c_final = _final_text(c) if c else original
        if b_final != c_final:
            diffs.append(
                LineDiff(
                    path=path,
                    original=original,
                    baseline_final=b_final,
                    candidate_final=c_final,
                    baseline_status=str(b.get("status")) if b else None,
                    candidate_status=str(c.get("status")) if c else None,
                )
            )
    return diffs


def text_leaves(value: Any, prefix: str = "") -> dict[str, str]:
    """Every string in a JSON document by path: `basics.summary`, `work[0].highlights[2]`."""
    if isinstance(value, str):
        return {prefix: value}
    leaves: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            leaves.update(text_leaves(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            leaves.update(text_leaves(item, f"{prefix}[{index}]"))
    return leaves


def _siblings(leaves: dict[str, str]) -> dict[str, set[str]]:
    """The texts of each list: `work[0].highlights` -> its strings (a moved bullet is not a change)."""
    groups: dict[str, set[str]] = {}
    for path, text in leaves.items():
        if path.endswith("]"):
            groups.setdefault(path[: path.rfind("[")], set()).add(text)
    return groups


def _parent(path: str) -> str:
    return path[: path.rfind("[")] if path.endswith("]") else path


def _tailored(record: CaseRecord) -> dict[str, str]:
    resume = record.output.get("tailored_resume")
    return text_leaves(resume) if isinstance(resume, dict) else {}


def _from_outputs(baseline: CaseRecord, candidate: CaseRecord) -> list[LineDiff]:
    base, cand = _tailored(baseline), _tailored(candidate)
    base_lists, cand_lists = _siblings(base), _siblings(cand)
    source = text_leaves(baseline.source or candidate.source)
    source_lists = _siblings(source)

    def status(path: str, text: str | None) -> str | None:
        if text is None:
            return None
        if path.endswith("]"):
            known = source_lists.get(_parent(path), set())
        else:
            known = {source[path]} if path in source else set()
        return "unchanged" if text in known else "accepted"

    diffs = []
    for path in base.keys() | cand.keys():
        b, c = base.get(path), cand.get(path)
        if b == c:
            continue
        parent = _parent(path)
        moved = (
            path.endswith("]") and b in cand_lists.get(parent, set()) and c in base_lists.get(parent, set())
        )
        if not moved:
            diffs.append(
                LineDiff(
                    path=path,
                    original=None,
                    baseline_final=b,
                    candidate_final=c,
                    baseline_status=status(path, b),
                    candidate_status=status(path, c),
                )
            )
    return diffs


def suggestion_names(record: CaseRecord | None) -> set[str]:
    suggestions = (record.output.get("suggestions") if record else None) or []
    return {
        str(s.get("requirement") or s.get("title") or "") if isinstance(s, dict) else str(s)
        for s in suggestions
    } - {""}


def word_diff(before: str, after: str) -> tuple[Markup, Markup]:
    """Both texts escaped, with the words only one side has wrapped in `<del>` / `<ins>`."""
    a, b = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    old: list[Markup] = []
    new: list[Markup] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = escape("".join(a[a1:a2])), escape("".join(b[b1:b2]))
        if op == "equal":
            old.append(left)
            new.append(right)
            continue
        if left:
            old.append(Markup("<del>{}</del>").format(left))
        if right:
            new.append(Markup("<ins>{}</ins>").format(right))
    return Markup("").join(old), Markup("").join(new)
