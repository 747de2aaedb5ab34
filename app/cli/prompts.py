"""`tailor prompts ...`: the prompt registry, its lock and its aliases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.table import Table

    from app.registry import Registry

COLUMN_GAP = 2  # `tailor prompts list`: characters between two columns
MIN_DESCRIPTION = 12  # below this a description says nothing; the table is then wider than the console

app = typer.Typer(help="Versioned prompts, pipeline manifests and aliases.", no_args_is_help=True)


def _registry() -> Registry:
    from app.registry import open_registry

    return open_registry()


def _console() -> Console:
    from rich.console import Console

    return Console()


@app.command("list")
def list_() -> None:
    """Prompt versions (released or draft), pipelines with their hashes, and aliases."""
    reg = _registry()
    prompt_rows = [
        (
            name,
            p.version,
            _status(reg.lock.is_released(p.ref)),
            p.parent or "",
            p.content_hash[:12],
            p.description,
        )
        for name in reg.prompt_names()
        for p in reg.versions(name)
    ]
    aliases = reg.aliases()
    pipeline_rows = [
        (
            pipe.label,
            pipe.short_hash,
            _status(reg.lock.pipeline_released(pipe.label)),
            ", ".join(a.alias for a in aliases if a.pipeline_hash == pipe.hash),
            pipe.description,
        )
        for pipe in reg.pipelines()
    ]
    console = _console()
    prompt_columns = ("prompt", "version", "status", "parent", "hash")
    console.print(_described_table("Prompts", prompt_columns, prompt_rows, console.width))
    console.print()
    pipeline_columns = ("label", "hash", "status", "aliases")
    console.print(_described_table("Pipelines", pipeline_columns, pipeline_rows, console.width))


def _status(released: bool) -> str:
    return "released" if released else "draft"


def _described_table(
    title: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]], console_width: int
) -> Table:
    """Identity columns keep their full width (a hash cut to `e8…` is useless); the description,
    last, gets what is left of the console (80 columns when piped) and ends in an ellipsis."""
    from rich import box
    from rich.table import Table

    widths = [max([len(column), *(len(row[index]) for row in rows)]) for index, column in enumerate(columns)]
    left = console_width - sum(widths) - COLUMN_GAP * len(widths)
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),  # with the box's blank separator: COLUMN_GAP between columns
    )
    for column, width in zip(columns, widths, strict=True):
        table.add_column(column, no_wrap=True, width=width)
    table.add_column(
        "description", no_wrap=True, overflow="ellipsis", width=max(MIN_DESCRIPTION, min(60, left))
    )
    for row in rows:
        table.add_row(*row)
    return table


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="name@version, name, or a pipeline label/hash/alias")],
) -> None:
    """A prompt version's templates and parameters, or a pipeline's resolved agents."""
    import json

    from app.errors import NotFoundError

    reg = _registry()
    console = _console()
    if "@" in ref or ref in reg.prompt_names():
        p = reg.prompt(ref)
        status = "released" if reg.lock.is_released(p.ref) else "draft"
        console.print(f"[bold]{p.ref}[/bold] ({status}, hash {p.content_hash[:12]}, parent {p.parent})")
        console.print(p.description)
        console.print(f"params: {json.dumps(p.params)}")
        for user, assistant in p.shots:
            console.print(
                f"[dim]example[/dim] user: {user}\n[dim]example[/dim] assistant: {assistant}", markup=True
            )
        for role in ("system", "user"):
            console.rule(f"{role}.j2")
            console.print(p.template_source(role), markup=False, highlight=False)
        return
    try:
        pipe = reg.resolve(ref)
    except NotFoundError:
        raise NotFoundError(f"unknown prompt or pipeline {ref!r}") from None
    console.print(f"[bold]{pipe.label}[/bold] {pipe.hash}\n{pipe.description}\nsource: {pipe.source}")
    console.print_json(json.dumps({name: a.identity() for name, a in pipe.agents.items()}))


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="name@v1, or a pipeline label/hash/alias/manifest file")],
    new: Annotated[str, typer.Argument(help="name@v2 (or just v2), or a pipeline")],
) -> None:
    """A readable diff between two prompt versions, or between two pipelines: their pins, then the
    templates, shots and parameters of every prompt whose pin changed."""
    from pathlib import Path

    from app.registry import diff_pipelines, diff_prompts, resolve_manifest

    reg = _registry()
    if "@" in old:
        name = old.split("@")[0]
        new_ref = new if "@" in new else f"{name}@{new}"
        text = diff_prompts(reg.prompt(old), reg.prompt(new_ref))
    else:
        old_pipe, new_pipe = (
            resolve_manifest(Path(ref), reg.prompts_root)
            if ref.endswith((".yaml", ".yml"))
            else reg.resolve(ref)
            for ref in (old, new)
        )
        text = diff_pipelines(old_pipe, new_pipe, reg.prompts_root)
    from rich.syntax import Syntax

    _console().print(Syntax(text, "diff", theme="ansi_dark", word_wrap=True) if text else "no differences")


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Prompt name")],
    from_: Annotated[str, typer.Option("--from", help="The version to start from, e.g. v2")],
    description: Annotated[
        str | None, typer.Option(help="What this version changes (default: 'Draft from vN: ' + the parent's)")
    ] = None,
) -> None:
    """Start a new draft version of a prompt from an existing one (released versions never change)."""
    p = _registry().new_version(name, from_, description)
    typer.echo(f"created {p.ref} (draft, from {p.parent}) at {p.path}: {p.description}")
    typer.echo(
        f"next: edit it, pin it in a pipeline manifest, evaluate it with "
        f"`tailor gate --candidate PIPELINE --baseline production`, and only if the gate passes: "
        f"`tailor prompts release {p.ref}`"
    )


@app.command()
def release(
    ref: Annotated[str, typer.Argument(help="name@version of a prompt, or a pipeline label")],
) -> None:
    """Lock a draft: record its content hash so any later edit fails `tailor prompts check`."""
    reg = _registry()
    if "@" in ref:
        p = reg.release(ref)
        typer.echo(f"released {p.ref} ({p.content_hash[:12]})")
    else:
        pipe = reg.release_pipeline(ref)
        typer.echo(f"released pipeline {pipe.label} ({pipe.short_hash})")


@app.command()
def check() -> None:
    """Fail, naming each file, if a released prompt or pipeline was edited, or a pipeline's prompt uses a
    variable its agent does not provide."""
    from app.errors import RegistryError
    from app.pipeline import check_pipeline_contract

    problems = _registry().check(contract=check_pipeline_contract)
    for problem in problems:
        typer.echo(f"{problem}")
    if problems:
        raise RegistryError(f"{len(problems)} problem(s) in the prompt registry; first: {problems[0]}")
    typer.echo(
        "registry ok: every released version matches its lock; every pipeline meets its agents' contract"
    )


@app.command()
def alias(
    name: Annotated[str, typer.Argument(help="production, staging, or any name")],
    target: Annotated[str, typer.Argument(help="Pipeline label, hash or another alias")],
    why: Annotated[str, typer.Option("--why", help="Reason, recorded with who and when")],
) -> None:
    """Point an alias at a pipeline version; `production` moves only through promote and rollback."""
    from app.errors import PromotionRefused

    if name == "production":
        raise PromotionRefused(
            "production moves only through the gate: tailor gate, then tailor promote REF "
            "(or tailor rollback production)"
        )
    move = _registry().set_alias(name, target, why)
    prev = f" (was {move.previous_hash[:12]})" if move.previous_hash else ""
    typer.echo(f"{move.alias} -> {move.label} {move.pipeline_hash[:12]}{prev} by {move.who}: {move.why}")


@app.command()
def aliases(
    history: Annotated[bool, typer.Option("--history", help="Every move, oldest first")] = False,
) -> None:
    """Where each alias points now, or the full history of moves."""
    from rich.table import Table

    reg = _registry()
    current = reg.aliases()  # a fresh store adopts the bootstrap file first
    moves = reg.store.alias_history() if history else current
    table = Table()
    for col in ("alias", "pipeline", "hash", "who", "when (UTC)", "why"):
        table.add_column(col)
    for m in moves:
        when = datetime.fromtimestamp(m.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(m.alias, m.label, m.pipeline_hash[:12], m.who, when, m.why)
    _console().print(table)
