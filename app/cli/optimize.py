"""`tailor optimize`: tailor one resume to one job description."""

from __future__ import annotations

import asyncio
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from app.pipeline import Suggestion, TailorResult


class OutputFormat(StrEnum):
    md = "md"
    json = "json"
    pdf = "pdf"


# `--out` (app.fileio.out_target): a path with one of these suffixes is the file to write; any
# other path is a folder, where the result is written as tailored.md (tailored.json with --json,
# tailored.pdf with --format pdf).
OUT_FILE_SUFFIXES = (".md", ".markdown", ".txt", ".json", ".pdf")


def optimize(
    resume: Annotated[Path, typer.Option("--resume", help="JSON Resume, markdown or plain-text file.")],
    jd: Annotated[Path, typer.Option("--jd", help="Job description: text, or a jsonresume job JSON.")],
    pipeline: Annotated[str, typer.Option(help="Pipeline label, hash or alias.")] = "production",
    model: Annotated[str | None, typer.Option(help="Run every agent on this litellm model instead.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Output the full result as JSON (stdout or --out).")
    ] = False,
    format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help="md, json or pdf (needs --out; the web page's PDF template); --format json is the old spelling of --json.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write here instead of stdout: a .md/.txt/.json file, or a folder (gets tailored.md or .json)."
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the LLM cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No run summary on stderr.")] = False,
) -> None:
    """Tailor a resume to a job description.

    Employers, titles, dates, degrees and contact details are copied from the source; every
    rewritten line is fact-checked against its original."""
    from app.fileio import atomic_write_text, out_target
    from app.services import make_client, read_inputs, resolve_pipeline, run_tailoring
    from app.settings import get_settings

    want_json = _wants_json(as_json, format)
    want_pdf = format is OutputFormat.pdf
    if out is not None:  # before any model call: a bad --out costs nothing
        target = out_target(out, OUT_FILE_SUFFIXES)
        out = target.file_in_folder("tailored.json" if want_json else "tailored.pdf" if want_pdf else "tailored.md")
        _check_pdf_suffix(out, want_pdf)
    elif want_pdf:
        raise typer.BadParameter("--format pdf writes a file: add --out FILE.pdf (or a folder)", param_hint="'--out'")
    settings = get_settings()
    inputs = read_inputs(resume, jd, settings)
    chosen = resolve_pipeline(pipeline, model)
    client = make_client(use_cache=settings.cache_enabled and not no_cache, settings=settings)
    result = asyncio.run(run_tailoring(inputs, chosen, client, settings=settings))

    if want_pdf:
        from app.services.render import resume_pdf

        assert out is not None
        _atomic_write_bytes(out, resume_pdf(result.tailored_resume, result.pipeline))
    else:
        if want_json:
            text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        else:
            text = result.markdown + _suggestions_markdown(result.suggestions)
        if out is not None:
            atomic_write_text(out, text)
        else:
            sys.stdout.write(text)
    if not quiet:
        _summary(result, out)


def _wants_json(as_json: bool, format: OutputFormat | None) -> bool:
    if as_json and format in (OutputFormat.md, OutputFormat.pdf):
        raise typer.BadParameter(f"--format {format} contradicts --json", param_hint="'--format'")
    return as_json or format is OutputFormat.json


def _check_pdf_suffix(out: Path, want_pdf: bool) -> None:
    """A PDF goes only in a .pdf file, and only a PDF does."""
    is_pdf = out.suffix.lower() == ".pdf"
    if want_pdf and not is_pdf:
        raise typer.BadParameter(f"--format pdf writes a .pdf file, not {out.name}", param_hint="'--out'")
    if is_pdf and not want_pdf:
        raise typer.BadParameter(f"{out.name} is a PDF: add --format pdf", param_hint="'--out'")


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """As app.fileio.atomic_write_text, for bytes: a temporary file beside `path`, then a rename."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _suggestions_markdown(suggestions: list[Suggestion]) -> str:
    if not suggestions:
        return ""
    lines = ["", "---", "", "## Suggestions (not part of the resume)", ""]
    for s in suggestions:
        tags = ", ".join(t for t in (s.importance.replace("_", "-") if s.importance else "", s.status) if t)
        lines.append(f"- **{s.requirement}** ({tags}): {s.note}")
    return "\n".join(lines) + "\n"


def _summary(result: TailorResult, out: Path | None) -> None:
    from rich.console import Console

    accepted = sum(c.status == "accepted" for c in result.changes)
    reverted = sum(c.status == "reverted" for c in result.changes)
    usage, pipe = result.usage, result.pipeline
    Console(stderr=True).print(
        f"[dim]pipeline {pipe['label']} ({pipe['hash'][:12]}) · {accepted} line(s) rewritten, "
        f"{reverted} reverted by the fact-checker · {len(result.suggestions)} suggestion(s) · "
        f"{usage['input_tokens']}+{usage['output_tokens']} tokens, {usage['calls']} calls "
        f"({usage['cache_hits']} cached) · {result.latency_ms / 1000:.1f}s"
        + (f" · written to {out}" if out else "")
        + "[/dim]",
        soft_wrap=True,  # one line even when piped (rich would wrap at 80 columns)
    )
