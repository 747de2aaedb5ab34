"""`tailor feedback export`: ratings of served jobs as candidate golden cases (pseudonymised JSONL)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Feedback on the serving API's jobs.", no_args_is_help=True)


class Rating(StrEnum):
    up = "up"
    down = "down"


@app.command()
def export(
    out: Annotated[Path | None, typer.Option(help="Write the JSONL here instead of stdout.")] = None,
    rating: Annotated[Rating | None, typer.Option(help="Only jobs whose newest rating is this.")] = None,
) -> None:
    """Every rated job as a candidate golden case, one JSON object a line (golden/README.md).

    Names, e-mails, phones, URLs and addresses are replaced by fictional values; comments are left out.
    A thumbs up brings its tailored resume as the case's reference. Review each case, add its facts,
    then append it to a split and run `tailor datasets check`."""
    from app.fileio import atomic_write_text
    from app.services.feedback_export import export_feedback_cases
    from app.settings import get_settings
    from app.state import open_state
    from evals.datasets import Case

    exported = export_feedback_cases(open_state(get_settings().state), rating=rating.value if rating else None)
    lines = [json.dumps(Case.model_validate(case).model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
             for case in exported.cases]  # fmt: skip
    text = "".join(line + "\n" for line in lines)
    if out is not None:
        atomic_write_text(out, text)
    else:
        sys.stdout.write(text)
    typer.echo(
        f"{len(lines)} candidate case(s) from {exported.feedback_rows} rating(s) of {exported.jobs_rated} job(s)"
        + (f"; {exported.skipped_erased} erased or purged job(s) skipped" if exported.skipped_erased else "")
        + (f"; written to {out}" if out else ""),
        err=True,
    )
