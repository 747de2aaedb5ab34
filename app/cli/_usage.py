"""Where `tailor` meets click: usage mistakes exit 2 with click's own message, and flags show no type.

typer (0.2x) bundles its own copy of click as `typer._click`; its exceptions are not
`click.ClickException`, so they are caught here by the bundled classes (or by click's own, on an
older typer that still uses click itself).
"""

from __future__ import annotations

import sys
from typing import Any

import typer

try:
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - a typer that still uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]


def build_command(app: typer.Typer) -> Any:
    """The click command tree of `app`, with every flag's `<bool>` metavar hidden in `--help`."""
    command = typer.main.get_command(app)
    _hide_flag_metavars(command)
    return command


def _hide_flag_metavars(command: Any) -> None:
    """typer's rich help prints `<bool>` beside every flag, `--help` included; an empty metavar hides it.

    `--help` is created lazily per command, so it is created here (through a bare context) to be fixed too.
    """
    context_class = getattr(command, "context_class", None)
    if context_class is not None:
        command.get_help_option(context_class(command))
    for param in [*command.params, getattr(command, "_help_option", None)]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _hide_flag_metavars(sub)


def run_command(command: Any, args: list[str]) -> int:
    """Run the command tree on `args`; a usage mistake prints click's message and returns its exit code.

    A group called with no arguments has already printed its help: that is an answer, exit 0.
    Anything else (TailorError, a bug) propagates to the caller.
    """
    try:
        result = command.main(args=args, prog_name="tailor", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        help_text = exc.format_message()  # empty when rich already printed the help
        if help_text:
            print(help_text)
        return 0
    except click_exceptions.ClickException as exc:  # UsageError and its kind: exit_code 2
        exc.show(file=sys.stderr)
        return int(exc.exit_code)
    return result if isinstance(result, int) else 0
