"""The `tailor` command. Subcommands live in their own modules; heavy libraries load inside commands,
so `tailor --help` stays fast. Every failure ends as one line on stderr and a non-zero exit; a usage
mistake prints click's message and exits 2. Exit codes: docs/architecture.md, "CLI conventions".
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import UTC, datetime

import typer

from app.cli import (
    cache,
    datasets,
    evaluate,
    feedback,
    gate,
    jobs,
    judge,
    keys,
    optimize,
    promptfoo,
    prompts,
    serve,
    worker,
)
from app.cli._usage import build_command, run_command
from app.environment import apply_quiet_environment
from app.errors import TailorError

app = typer.Typer(
    name="tailor",
    help="Honest resume tailoring on a multi-agent pipeline, with an evaluation harness that gates every change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("optimize")(optimize.optimize)
app.add_typer(prompts.app, name="prompts")
app.add_typer(datasets.app, name="datasets")
app.add_typer(cache.app, name="cache")
app.add_typer(judge.app, name="judge")
app.add_typer(jobs.app, name="jobs")
app.add_typer(keys.app, name="keys")
app.add_typer(feedback.app, name="feedback")
app.add_typer(promptfoo.app, name="promptfoo")
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
evaluate.register(app)
gate.register(app)

INTERNAL_ERROR = 70


def _log_internal(exc: BaseException) -> str:
    """Keep the traceback for developers in the data folder; the user sees one line."""
    try:
        from app.settings import get_settings

        path = get_settings().data / "logs" / "errors.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()} {' '.join(sys.argv[1:2])}\n")
            handle.write("".join(traceback.format_exception(exc)))
        return str(path)
    except Exception:
        return "(could not write the error log)"


def main() -> None:
    apply_quiet_environment()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        code = run_command(build_command(app), sys.argv[1:])
    except TailorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        where = _log_internal(exc)
        print(f"error: internal error ({type(exc).__name__}); details in {where}", file=sys.stderr)
        sys.exit(INTERNAL_ERROR)
    sys.exit(code)
