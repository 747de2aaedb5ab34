"""The tailoring pipeline: a CrewAI Flow of five agents whose prompts come from the registry.

The package's public surface: the run (`tailor`), its result types, the fact-checker (`check_rewrite`
and the word lists the fabrication scorers share with it), the typed agent options and the prompt
contract. Other packages import from `app.pipeline`, never from its `_private` modules.
"""

from app.pipeline._context import NoTracer, PrivacyError, RunContext, Tracer
from app.pipeline._contract import AGENT_VARIABLES, check_pipeline_contract
from app.pipeline._guard import (
    ALL_CHECKS,
    CLAIM_STEMS,
    GENERIC_VERBS,
    LEADERSHIP_STEMS,
    PLAIN_VERBS,
    SUPERLATIVE_STEMS,
    Verdict,
    check_rewrite,
    clean_rewrite,
)
from app.pipeline._options import AGENT_OPTIONS, PipelineOptions, agent_options, pipeline_options
from app.pipeline._run import tailor, tailor_sync
from app.pipeline._types import LineChange, RequirementView, Suggestion, TailorResult

__all__ = [
    "AGENT_OPTIONS",
    "AGENT_VARIABLES",
    "ALL_CHECKS",
    "CLAIM_STEMS",
    "GENERIC_VERBS",
    "LEADERSHIP_STEMS",
    "PLAIN_VERBS",
    "SUPERLATIVE_STEMS",
    "LineChange",
    "NoTracer",
    "PipelineOptions",
    "PrivacyError",
    "RequirementView",
    "RunContext",
    "Suggestion",
    "TailorResult",
    "Tracer",
    "Verdict",
    "agent_options",
    "check_pipeline_contract",
    "check_rewrite",
    "clean_rewrite",
    "pipeline_options",
    "tailor",
    "tailor_sync",
]
