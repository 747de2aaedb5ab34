"""`tailor datasets ...`: list golden datasets and check their cases."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Golden datasets: list and check.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """Datasets, their splits, case counts and content hashes."""
    from rich.console import Console
    from rich.table import Table

    from app.settings import get_settings
    from evals.datasets import open_dataset

    root = get_settings().datasets
    folders = [root, *sorted(p for p in root.iterdir() if (p / "manifest.json").is_file())]
    table = Table()
    for col in ("dataset", "version", "split", "cases", "hash"):
        table.add_column(col)
    for folder in folders:
        if not (folder / "manifest.json").is_file():
            continue
        ds = open_dataset(str(folder), root)
        for split in ds.split_names():
            part = open_dataset(f"{folder}:{split}", root)
            table.add_row(ds.name, ds.manifest.version, split, str(len(part.cases)), part.content_hash[:12])
    Console().print(table)


@app.command()
def check(
    dataset: Annotated[str, typer.Argument(help="NAME[:SPLIT] or a folder path")] = "golden",
    strict: Annotated[bool, typer.Option(help="Fail on warnings too")] = False,
) -> None:
    """Validate every case, check every fact occurs in its resume, and that the labels are consistent."""
    from app.errors import InputError
    from app.settings import get_settings
    from evals.datasets import check_cases, open_dataset

    ds = open_dataset(dataset, get_settings().datasets)
    reports = check_cases(ds.cases)
    errors = [(r.case_id, e) for r in reports for e in r.errors]
    warnings = [(r.case_id, w) for r in reports for w in r.warnings]
    for case_id, message in errors:
        typer.echo(f"ERROR {case_id}: {message}")
    for case_id, message in warnings:
        typer.echo(f"warn  {case_id}: {message}")
    if errors or (strict and warnings):
        first = errors[0] if errors else warnings[0]
        raise InputError(
            f"{ds.ref}: {len(errors)} error(s), {len(warnings)} warning(s); first: {first[0]}: {first[1]}"
        )
    typer.echo(f"{ds.ref}: {len(reports)} cases ok ({len(warnings)} warning(s)), hash {ds.content_hash[:12]}")
