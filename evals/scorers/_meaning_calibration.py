"""Calibrate the meaning opinion's threshold on labelled tailorings (`tailor score --calibrate-meaning`).

The phrases it is asked about are the ones the lexical and is-a readings leave ungrounded: run
`fabrication` without the meaning opinion over labelled outputs, and take each skill, name or claim
it reports. Those in faithful outputs are honest paraphrase; those that name a planted fabrication
are inventions. The threshold is the lowest similarity that lets at most `max_false_pass` of the
inventions through; the share of honest phrases it lets through is reported beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel

from app.grounding import MEANING_CALIBRATION_FILE as CALIBRATION_FILE
from app.grounding import MeaningCalibration, closest_line
from evals.scorers._labels import LabelledOutput, _names, read_labels

GRID = [round(0.50 + 0.01 * i, 2) for i in range(50)]  # 0.50 .. 0.99


class ScoredPhrase(BaseModel):
    output: str
    phrase: str
    honest: bool
    similarity: float
    closest: str


def collect_phrases(paths: list[Path]) -> list[ScoredPhrase]:
    """Every phrase the fact scorer flags without the meaning opinion, labelled honest or invented."""
    from evals.harness import sample_from_files
    from evals.scorers.fabrication import second_opinion_applies, source_lines, ungrounded_offenses

    phrases: list[ScoredPhrase] = []
    for path in paths:
        for row in read_labels(path):
            sample = sample_from_files(
                path.parent / row.resume, path.parent / row.jd, path.parent / row.output
            )
            lines = source_lines(sample)
            for offense in ungrounded_offenses(sample, meaning=False):
                if not second_opinion_applies(offense) or not lines:
                    continue
                honest = _is_honest(offense.as_dict(), row)
                if honest is None:
                    continue
                line, score = closest_line(offense.span, lines)
                phrases.append(
                    ScoredPhrase(
                        output=row.output, phrase=offense.span, honest=honest, similarity=score, closest=line
                    )
                )
    return phrases


def _is_honest(offense: dict[str, str], row: LabelledOutput) -> bool | None:
    """True in a faithful output; False when it names a planted fabrication; None otherwise
    (an offense in a fabricated output that names no label is neither)."""
    if row.faithful:
        return True
    return False if any(_names(offense, label) for label in row.fabrications) else None


def choose_threshold(phrases: list[ScoredPhrase], max_false_pass: float = 0.02) -> tuple[float, float, float]:
    """(threshold, honest pass rate, false-pass rate): the lowest grid point within the budget."""
    honest = [p.similarity for p in phrases if p.honest]
    invented = [p.similarity for p in phrases if not p.honest]
    for threshold in GRID:
        false_pass = sum(s >= threshold for s in invented) / max(1, len(invented))
        if false_pass <= max_false_pass:
            return threshold, sum(s >= threshold for s in honest) / max(1, len(honest)), false_pass
    return 1.0, 0.0, 0.0


def calibrate(paths: list[Path], *, max_false_pass: float = 0.02, write: bool = True) -> MeaningCalibration:
    phrases = collect_phrases(paths)
    threshold, honest_pass, false_pass = choose_threshold(phrases, max_false_pass)
    result = MeaningCalibration(
        threshold=threshold,
        honest_pass_rate=round(honest_pass, 3),
        false_pass_rate=round(false_pass, 3),
        honest=sum(p.honest for p in phrases),
        fabricated=sum(not p.honest for p in phrases),
        data=", ".join(str(p) for p in paths),
        date=dt.date.today().isoformat(),
        command="tailor score " + " ".join(f"--calibrate-meaning {p}" for p in paths),
    )
    if write:
        CALIBRATION_FILE.write_text(json.dumps(result.model_dump(), indent=2) + "\n", encoding="utf-8")
    return result
