"""`fabrication` against outputs people labelled: golden/fabrications (42 resumes written outside
the team, each with a faithful tailoring and two with planted fabrications) and its batches 5 and 6
(golden/fabrications/b5 and b6: 8 resumes each, two faithful and two fabricated tailorings each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InputError
from evals.scorers import measure_labels

LABELS = Path(__file__).resolve().parents[1] / "golden" / "fabrications" / "labels.jsonl"
B5_LABELS = LABELS.parent / "b5" / "labels.jsonl"
B6_LABELS = LABELS.parent / "b6" / "labels.jsonl"


# Faithful tailorings the scorer still flags, each a call left strict or a reading it cannot make:
# b3-06: "emergency medicine" (the JD's words) for "emergency care", left strict on purpose.
# (b3-09's "American Institute of Architects (AIA Minnesota)" passes since batch 6: a part of a
# certificate's value that spells out an abbreviation of the source entry is that entry's.) Batch 4
# was fixed against after its first run (all ten flagged then; see golden/README.md).
KNOWN_FALSE_ALARMS = {
    "b3-06-veterinary-technician.faithful.md",
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


# Batch 5 was measured before any fix against it (16 of 16 faithful flagged, 57 of 70 spans found;
# golden/README.md). Its faithful tailorings still flagged, each for a reading no general rule makes:
# b5-03 faithful2: "barcode-scanned medication administration" for the source's "BCMA", against the
#   JD's "barcode scanning" (a gloss of an abbreviation that spells none of its letters);
# b5-06 faithful2: "Sales Growth" for "Store sales up 11%", "Training & Talent Development",
#   "fitting-room customer service" for "fitting-room service" (the meaning opinion's closest lines
#   score 0.42-0.66, under its calibrated 0.68);
# b5-08 faithful2: "Coaching" for weekly 1:1s, and a summary of five new words ("frontline",
#   "three-site", "champion of self-service", "budget ownership").
B5_KNOWN_FALSE_ALARMS = {
    "b5-03-nurse-medsurg-newgrad.faithful2.md",
    "b5-06-retail-store-manager.faithful2.md",
    "b5-08-support-director-zendesk.faithful2.md",
}
# "Owned the dbt models and pipelines" where the source's line says "he owned the pipelines" (of a
# colleague): the claim word is on the very line it restates.
B5_KNOWN_MISSES = {("b5-07-bi-analyst-tableau.fab1.md", "claim")}


def test_batch_5_finds_its_planted_spans_and_flags_only_the_known_faithful_outputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its "14 years" and "11+ years" were computed on the day it was written (b5/README.md): an open
    # role ends then, so the figures hold as the years pass.
    monkeypatch.setenv("TAILOR_TODAY", "2026-12-07")
    report = measure_labels(B5_LABELS)
    assert report["outputs"] == 32 and report["spans"] == 70
    assert {(m["output"], m["kind"]) for m in report["misses"]} == B5_KNOWN_MISSES, report["misses"]
    flagged = {a["output"] for a in report["false_alarms"] if ".faithful" in a["output"]}
    assert flagged == B5_KNOWN_FALSE_ALARMS, sorted(flagged ^ B5_KNOWN_FALSE_ALARMS)
    assert report["spans_found"] >= 0.95 * report["spans"]


# Batch 6 was measured before any fix against it (16 of 16 faithful flagged, 53 of 63 spans found;
# golden/README.md). Its faithful tailorings still flagged, each for a reading no general rule makes:
# b6-02 faithful1/2: "SUI" and "Form 941" for "state unemployment returns" and "941s"; faithful2
#   also the JD's "federal and state", "partner to HR", "ticketing system" for "ticket queue";
# b6-03 faithful1/2: "Speaker" for a listed talk; "EDI" for a source that never says it; "hires"
#   (a claim word) for the interviews it ran; "building and operating" (the JD's words);
# b6-04 faithful2: "assessment data" (the JD's words), a summary of eight new words;
# b6-05 faithful2: "HVAC Apprentice" for "Apprentice", "Customer Service", "Valid ... License";
# b6-06 faithful2: Title Case list words "Development", "Platforms", "Early-Career Programs";
# b6-08 faithful1/2: "multicolor" for "up to 8 colors", "immune cells" for PBMCs, and a skills table
#   the text parser flattens (its "Area" and row headings read as skills).
B6_KNOWN_FALSE_ALARMS = {
    "b6-02-payroll-specialist.faithful1.md",
    "b6-02-payroll-specialist.faithful2.md",
    "b6-03-data-engineer.faithful1.md",
    "b6-03-data-engineer.faithful2.md",
    "b6-04-math-teacher.faithful2.md",
    "b6-05-hvac-technician.faithful2.md",
    "b6-06-recruiter.faithful2.md",
    "b6-08-biomedical-lab-technician.faithful1.md",
    "b6-08-biomedical-lab-technician.faithful2.md",
}
# "chillers" in a list of equipment (no lexicon knows the word); "six attorneys" supported, for the
# source's "six-attorney firm" (a number that describes the firm, restated as a count of people).
B6_KNOWN_MISSES = {
    ("b6-05-hvac-technician.fab2.md", "skill"),
    ("b6-07-legal-assistant.fab2.md", "metric"),
}


def test_batch_6_finds_its_planted_spans_and_flags_only_the_known_faithful_outputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its "12+ / 7+ years" were computed on the day it was written (b6/README.md).
    monkeypatch.setenv("TAILOR_TODAY", "2026-12-07")
    report = measure_labels(B6_LABELS)
    assert report["outputs"] == 32 and report["spans"] == 63
    assert {(m["output"], m["kind"]) for m in report["misses"]} == B6_KNOWN_MISSES, report["misses"]
    flagged = {a["output"] for a in report["false_alarms"] if ".faithful" in a["output"]}
    assert flagged == B6_KNOWN_FALSE_ALARMS, sorted(flagged ^ B6_KNOWN_FALSE_ALARMS)
    assert report["spans_found"] >= 0.95 * report["spans"]


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
