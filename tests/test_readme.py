"""The README says only what is true on a fresh clone: every `tailor` command it shows exists and
takes the options it writes, every relative link resolves, and it stays a front door (<= 260 lines).

The docs pages that moved out of the README (results, benchmarks, parsing, pipeline, harness) are
held to the same rule for their commands and links.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from tests.conftest import run_cli

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
MOVED_PAGES = ("results.md", "benchmarks.md", "parsing.md", "pipeline.md", "harness.md")
CHECKED_PAGES = [README, *(REPO / "docs" / name for name in MOVED_PAGES)]
MAX_README_LINES = 260

FENCED_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def shown_commands(markdown: str) -> list[str]:
    """Every `tailor …` command in the page: lines of fenced blocks, and inline code spans."""
    commands: list[str] = []
    for block in FENCED_BLOCK.findall(markdown):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip().removeprefix("$ ").removeprefix(".venv/bin/")
            if line.startswith("tailor "):
                commands.append(line)
    prose = FENCED_BLOCK.sub("", markdown)
    commands += [span.strip() for span in INLINE_CODE.findall(prose) if span.strip().startswith("tailor ")]
    return commands


def _words(command: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError:  # an unbalanced quote in prose: plain words are enough to find the options
        words = command.split()
    return [word.strip("[]") for word in words[1:]]


def subcommand_path(command: str) -> tuple[list[str], str | None]:
    """The subcommands `command` names, and the first word that should be a subcommand but is none."""
    current = typer.main.get_command(_tailor_app())
    path: list[str] = []
    for word in _words(command):
        subcommands = getattr(current, "commands", None)
        if subcommands is None or word.startswith("-"):
            return path, None
        if word not in subcommands:
            return path, word
        path.append(word)
        current = subcommands[word]
    return path, None


def _tailor_app() -> typer.Typer:
    from app.cli import app

    return app


def command_problems(command: str) -> list[str]:
    """What is wrong with a command as written: an unknown subcommand, a failing --help, an unknown option."""
    path, unknown = subcommand_path(command)
    where = " ".join(["tailor", *path])
    if unknown is not None:
        return [f"{where} has no command {unknown!r}"]
    result = run_cli(*path, "--help")
    if result.code != 0:
        return [f"{where} --help exits {result.code}: {result.stderr.strip()[:200]}"]
    help_text = ANSI_ESCAPE.sub("", result.stdout)
    written = OPTION.findall(" ".join(_words(command)[len(path) :]))
    return [
        f"{where} has no option {option}"
        for option in dict.fromkeys(written)
        if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text)
    ]


def _github_anchor(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCED_BLOCK.sub("", page.read_text(encoding="utf-8"))
    return {_github_anchor(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*$", text, re.MULTILINE)}


def link_problems(page: Path) -> list[str]:
    """Relative links (and their #anchors) in `page` that point at nothing."""
    problems: list[str] = []
    for target in MARKDOWN_LINK.findall(FENCED_BLOCK.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …
            continue
        path_part, _, anchor = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.exists():
            problems.append(f"{page.name}: {target} does not exist")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            problems.append(f"{page.name}: {target} names no heading of {linked.name}")
    return problems


def _all_commands() -> list[str]:
    seen = dict.fromkeys(
        c for page in CHECKED_PAGES for c in shown_commands(page.read_text(encoding="utf-8"))
    )
    return list(seen)


@pytest.fixture(autouse=True)
def wide_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help rendered wide and plain, so no option name is wrapped or coloured."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")


def test_the_readme_shows_commands_at_all() -> None:
    commands = shown_commands(README.read_text(encoding="utf-8"))
    heads = {tuple(subcommand_path(c)[0][:1]) for c in commands}
    assert {("optimize",), ("eval",), ("gate",), ("promote",), ("rollback",)} <= heads


@pytest.mark.parametrize("command", _all_commands())
def test_every_command_shown_exists_with_its_options(command: str) -> None:
    assert command_problems(command) == []


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("tailor optimise --resume r.md --jd j.txt", "tailor has no command 'optimise'"),
        ("tailor prompts lisst", "tailor prompts has no command 'lisst'"),
        ("tailor eval --pipelin production", "tailor eval has no option --pipelin"),
        (
            "tailor gate --candidate x [--baseline production] [--sequental]",
            "tailor gate has no option --sequental",
        ),
        ("tailor prompts aliases --histories", "tailor prompts aliases has no option --histories"),
    ],
)
def test_a_wrong_command_or_option_is_caught(command: str, problem: str) -> None:
    assert command_problems(command) == [problem]


def test_commands_are_found_in_blocks_and_inline_code() -> None:
    page = (
        "Run `tailor prompts check`, then:\n\n```bash\n$ tailor eval --dataset golden:core   # a comment\n"
        "# tailor not-a-command\nmake demo\n```\n"
    )
    assert shown_commands(page) == ["tailor eval --dataset golden:core", "tailor prompts check"]


@pytest.mark.parametrize("page", [*CHECKED_PAGES, REPO / "CHANGELOG.md"], ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    assert link_problems(page) == []


def test_a_broken_link_or_anchor_is_caught(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## A heading, with words\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#a-heading-with-words) [gone](missing.md) [bad](other.md#nowhere) "
        "[web](https://example.com/x) [self](#page)\n\n# Page\n",
        encoding="utf-8",
    )
    assert link_problems(page) == [
        "page.md: missing.md does not exist",
        "page.md: other.md#nowhere names no heading of other.md",
    ]


def test_every_make_target_shown_exists() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    shown = set(re.findall(r"(?<![\w/-])make ([a-z][\w-]*)", README.read_text(encoding="utf-8")))
    assert shown and shown <= targets


def test_the_readme_is_a_front_door() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines; move detail to docs/"
