"""How well `fabrication` agrees with people: outputs labelled faithful or with their planted
fabrications, each a span of the output and its kind. `tailor score --labels FILE` runs this.

A labelled span is found when an offense names it: the offense's span is inside the label's or
the other way round; for a date, the offense's date is one the label's span states (a parsed
date is reported as "2014-06" where the output wrote "Jun 2014 - Feb 2017"). An offense on the
line of a labelled span ("ASCM" beside the labelled "Certified Supply Chain Professional") is
part of that fabrication, not a false alarm.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.errors import InputError
from app.grounding import normalize_text
from evals.scorers._catalogue import fact_scorers, resolve_names


class LabelledFabrication(BaseModel):
    kind: str
    span: str
    source: str | None = None


class LabelledOutput(BaseModel):
    """One line of a labels file; paths are relative to the file's folder."""

    resume: str
    jd: str
    output: str
    faithful: bool
    fabrications: list[LabelledFabrication] = []
    paraphrases: list[str] = []


def read_labels(path: Path) -> list[LabelledOutput]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"--labels {path}: cannot read ({exc.strerror})") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(LabelledOutput.model_validate_json(line))
        except ValidationError as exc:
            raise InputError(
                f"--labels {path}:{number}: not a labelled output ({exc.errors()[0]['msg']})"
            ) from exc
        if rows[-1].faithful == bool(rows[-1].fabrications):
            raise InputError(
                f"--labels {path}:{number}: faithful must be true exactly when it lists no fabrication"
            )
    if not rows:
        raise InputError(f"--labels {path}: no labelled outputs")
    return rows


def _names(offense: dict[str, Any], label: LabelledFabrication) -> bool:
    from app.grounding import find_dates, parse_date

    got, wanted = normalize_text(offense["span"]), normalize_text(label.span)
    if got and (got in wanted or wanted in got):
        return True
    if offense["kind"] == "date" and (day := parse_date(offense["span"])) is not None:
        return any(day.same_as(d) for d in find_dates(label.span))
    return False


def _beside(offense: dict[str, Any], label: LabelledFabrication, lines: list[str]) -> bool:
    got, wanted = normalize_text(offense["span"]), normalize_text(label.span)
    return bool(got) and any(got in line and wanted in line for line in lines)


FACT_SCORERS = fact_scorers()  # derived from the catalogue; kept importable here for callers


def measure_labels(path: Path, scorers: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Score every labelled output with the fact scorers (or `scorers`); agreement, recall by kind,
    every miss and false alarm. An output counts as flagged when any of `scorers` fails it."""
    from evals.harness import score_files

    names = resolve_names(list(scorers or fact_scorers()))
    rows, folder = read_labels(path), path.parent
    right, found, wanted = 0, Counter[str](), Counter[str]()
    misses: list[dict[str, str]] = []
    false_alarms: list[dict[str, str]] = []
    for row in rows:
        result = score_files(folder / row.resume, folder / row.jd, folder / row.output, None, names)
        scores = [result["scores"][name] for name in names]
        offenses = [{**o, "scorer": s["name"]} for s in scores for o in s["offenses"]]
        lines = [normalize_text(x) for x in (folder / row.output).read_text(encoding="utf-8").splitlines()]
        right += all(s["passed"] is not False for s in scores) == row.faithful
        for label in row.fabrications:
            wanted[label.kind] += 1
            if any(_names(o, label) for o in offenses):
                found[label.kind] += 1
            else:
                misses.append({"output": row.output, "kind": label.kind, "span": label.span})
        for o in offenses:
            if not any(_names(o, label) or _beside(o, label, lines) for label in row.fabrications):
                false_alarms.append(
                    {
                        "output": row.output,
                        "scorer": o["scorer"],
                        "kind": o["kind"],
                        "span": o["span"],
                        "why": o["detail"],
                    }
                )
    total = sum(wanted.values())
    faithful = {r.output for r in rows if r.faithful}
    return {
        "labels": str(path),
        "scorers": names,
        "outputs": len(rows),
        "classified_right": right,
        "faithful_flagged": len({a["output"] for a in false_alarms} & faithful),
        "faithful_flagged_by": {
            name: len({a["output"] for a in false_alarms if a["scorer"] == name} & faithful) for name in names
        },
        "faithful": sum(r.faithful for r in rows),
        "spans": total,
        "spans_found": sum(found.values()),
        "recall": round(sum(found.values()) / total, 3) if total else None,
        "by_kind": {k: {"labelled": wanted[k], "found": found[k]} for k in sorted(wanted)},
        "misses": misses,
        "false_alarms": false_alarms,
    }


def print_label_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"fabrication against {report['outputs']} labelled outputs")
    for column in ("kind", "labelled", "found"):
        table.add_column(column)
    for kind, row in report["by_kind"].items():
        table.add_row(kind, str(row["labelled"]), str(row["found"]))
    console.print(table)
    by = ", ".join(f"{n} {c}" for n, c in report["faithful_flagged_by"].items())
    console.print(f"scorers: {', '.join(report['scorers'])} · faithful outputs each flags: {by}")
    console.print(
        f"outputs classified right: {report['classified_right']}/{report['outputs']} · "
        f"faithful outputs flagged: {report['faithful_flagged']}/{report['faithful']} · "
        f"spans found: {report['spans_found']}/{report['spans']} · false alarms: {len(report['false_alarms'])}"
    )
    for miss in report["misses"]:
        console.print(f"[red]missed[/] {miss['output']}: {miss['kind']} {json.dumps(miss['span'])}")
    for alarm in report["false_alarms"]:
        console.print(
            f"[yellow]false alarm[/] {alarm['output']}: {alarm['kind']} {json.dumps(alarm['span'])} ({alarm['why']})"
        )
