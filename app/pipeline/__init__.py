"""The tailoring pipeline: a CrewAI Flow of five agents whose prompts come from the registry."""

from app.pipeline._context import NoTracer, PrivacyError, RunContext, Tracer
from app.pipeline._guard import ALL_CHECKS, Verdict, check_rewrite, clean_rewrite
from app.pipeline._run import tailor, tailor_sync
from app.pipeline._types import LineChange, RequirementView, Suggestion, TailorResult

__all__ = [
    "ALL_CHECKS",
    "LineChange",
    "NoTracer",
    "PrivacyError",
    "RequirementView",
    "RunContext",
    "Suggestion",
    "TailorResult",
    "Tracer",
    "Verdict",
    "check_rewrite",
    "clean_rewrite",
    "tailor",
    "tailor_sync",
]
