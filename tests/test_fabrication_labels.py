"""`fabrication` against outputs people labelled: golden/fabrications (42 resumes written outside
the team, each with a faithful tailoring and two with planted fabrications)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InputError
from evals.scorers import measure_labels

LABELS = Path(__file__).resolve().parents[1] / "golden" / "fabrications" / "labels.jsonl"


# Faithful tailorings the scorer still flags, each a call left strict or a reading it cannot make:
# b3-06: "emergency medicine" (the JD's words) for "emergency care", left strict on purpose;
# b3-09: "American Institute of Architects (AIA Minnesota)" for "AIA member, AIA Minnesota", a
# chapter's name glossed with the society's. Batch 4 was fixed against after its first run
# (all ten flagged then; see golden/README.md).
KNOWN_FALSE_ALARMS = {
    "b3-06-veterinary-technician.faithful.md",
    "b3-09-architect.faithful.md",
}
# A number moved to another meaning on the same line ("raised revenue per session 7.5%" for the
# source's click-through gain): the number is the line's own, so no check sees it.
KNOWN_MISSES = {("b4-03-ml-engineer.fab1.md", "metric")}


def test_every_planted_span_is_found_and_only_the_known_faithful_outputs_are_flagged() -> None:
    report = measure_labels(LABELS)
    assert report["outputs"] == 126 and report["spans"] >= 190
    assert {(m["output"], m["kind"]) for m in report["misses"]} == KNOWN_MISSES, report["misses"]
    flagged = {a["output"] for a in report["false_alarms"] if ".faithful." in a["output"]}
    assert flagged == KNOWN_FALSE_ALARMS, sorted(flagged ^ KNOWN_FALSE_ALARMS)
    assert report["classified_right"] == report["outputs"] - len(KNOWN_FALSE_ALARMS)


def test_a_missed_fabrication_and_a_false_alarm_are_both_reported(tmp_path: Path) -> None:
    folder = LABELS.parent
    row = '{{"resume": "{d}/{n}.resume.md", "jd": "{d}/{n}.jd.txt", "output": "{d}/{n}.{o}.md", "faithful": {f}, "fabrications": {fab}}}'
    name = "01-maria-okafor-nurse"
    lines = [
        # a fabricated output labelled faithful: its offenses become false alarms
        row.format(d=folder, n=name, o="fab1", f="true", fab="[]"),
        # a faithful output labelled with a fabrication it does not contain: a miss
        row.format(d=folder, n=name, o="faithful", f="false", fab='[{"kind": "metric", "span": "99%"}]'),
    ]
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(lines), encoding="utf-8")
    report = measure_labels(labels)
    assert report["classified_right"] == 0
    assert report["misses"] == [{"output": f"{folder}/{name}.faithful.md", "kind": "metric", "span": "99%"}]
    assert {a["kind"] for a in report["false_alarms"]} >= {"metric", "degree"}


def test_a_malformed_labels_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "labels.jsonl"
    bad.write_text(
        '{"resume": "r.md", "jd": "j.txt", "output": "o.md", "faithful": true, "fabrications": [{"kind": "x", "span": "y"}]}'
    )
    with pytest.raises(InputError, match="faithful must be true exactly when"):
        measure_labels(bad)
    bad.write_text('{"resume": "r.md"}')
    with pytest.raises(InputError, match=r"labels.jsonl:1: not a labelled output"):
        measure_labels(bad)
