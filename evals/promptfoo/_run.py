"""The promptfoo CLI by subprocess, through its PyPI wrapper (`promptfoo` in the venv's bin).

The wrapper needs Node.js 22.22 or newer on PATH, then runs the first `promptfoo` on PATH (else
`npx -y promptfoo@$PROMPTFOO_VERSION`, pinned here). `make promptfoo` installs Node 22 and promptfoo
into `tools/promptfoo/` (never globally); its `node_modules/.bin` goes first on PATH. promptfoo's
database and cache live under `<data>/promptfoo/`, its telemetry and update check are off.

Exit codes: 0 every test passed, 100 some assertion failed (a result, not a crash); anything else
is a crash and becomes one line (`PromptfooError`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from app.errors import ConfigError
from app.settings import TailorSettings, get_settings
from evals.promptfoo._models import PROMPTFOO_VERSION

TOOLS_DIR = Path("tools") / "promptfoo"  # under the project: `make promptfoo` installs here
MIN_NODE = (22, 22, 0)
TESTS_FAILED = 100  # promptfoo's exit code when an assertion failed
INSTALL_HINT = f"run `make promptfoo` to install Node 22 and promptfoo {PROMPTFOO_VERSION} into {TOOLS_DIR}/"
_EXCEPTION = re.compile(r"^\w*(Error|Exception)\b[^:]*:")
_ERROR_WORDS = re.compile(r"error|exception|invalid|not found|cannot|failed|must", re.IGNORECASE)
_NOISE = re.compile(r"ExperimentalWarning|trace-warnings|Failed to sanitize URL|^\s*$|^\s*at ")


class PromptfooError(ConfigError):
    """promptfoo could not run, or crashed: the installation or the config is at fault, not a test."""


@dataclass(frozen=True)
class PromptfooRun:
    args: list[str]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def tests_failed(self) -> bool:
        return self.exit_code == TESTS_FAILED


def tools_bin(settings: TailorSettings) -> Path:
    return settings.home / TOOLS_DIR / "node_modules" / ".bin"


def promptfoo_home(settings: TailorSettings) -> Path:
    """promptfoo's own folder (PROMPTFOO_CONFIG_DIR: its database of evals) under the data folder."""
    return settings.data / "promptfoo" / "db"


def promptfoo_env(settings: TailorSettings | None = None) -> dict[str, str]:
    """The environment promptfoo runs in: Node 22 first on PATH, quiet, offline, state under data/."""
    settings = settings or get_settings()
    env = dict(os.environ)
    bin_dir = tools_bin(settings)
    if bin_dir.is_dir():
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env |= {
        "PROMPTFOO_DISABLE_TELEMETRY": "1",
        "PROMPTFOO_DISABLE_UPDATE": "1",
        "PROMPTFOO_PYTHON": sys.executable,  # assertions run in the venv, as the provider does
        "PROMPTFOO_CONFIG_DIR": str(promptfoo_home(settings)),
        "PROMPTFOO_CACHE_PATH": str(settings.data / "promptfoo" / "cache"),
        "PROMPTFOO_VERSION": PROMPTFOO_VERSION,  # the wrapper's npx fallback, pinned
        "NODE_NO_WARNINGS": "1",
        "TAILOR_HOME": str(settings.home),  # the provider finds this project wherever promptfoo runs
        "TAILOR_DATA_DIR": str(settings.data),
    }
    return env


def node_version(env: dict[str, str]) -> tuple[str, tuple[int, ...]]:
    """The `node` promptfoo will use and its version; ConfigError when it is missing or too old."""
    need = ".".join(map(str, MIN_NODE))
    node = shutil.which("node", path=env.get("PATH"))
    if node is None:
        raise ConfigError(
            f"promptfoo needs Node.js {need} or newer and there is no node on PATH: {INSTALL_HINT}"
        )
    try:
        text = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"{node} --version failed ({type(exc).__name__}): {INSTALL_HINT}") from exc
    found = tuple(int(part) for part in re.findall(r"\d+", text)[:3])
    if len(found) < 3 or found < MIN_NODE:
        raise ConfigError(
            f"promptfoo needs Node.js {need} or newer; found {text or 'no version'} ({node}): {INSTALL_HINT}"
        )
    return node, found


def wrapper_path() -> Path:
    """The PyPI wrapper's console script beside this interpreter."""
    path = Path(sys.executable).parent / "promptfoo"
    if not path.is_file():
        raise ConfigError(
            f"the promptfoo PyPI wrapper is not installed in {sys.prefix} (pip install promptfoo)"
        )
    return path


def run_promptfoo(
    args: list[str], *, cwd: Path, timeout_s: float = 3600, extra_env: dict[str, str] | None = None
) -> PromptfooRun:
    """`promptfoo ARGS` in `cwd`; exit 0 or 100 is a result, anything else a PromptfooError."""
    env = promptfoo_env() | (extra_env or {})
    node_version(env)
    command = [str(wrapper_path()), *args]
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise PromptfooError(f"promptfoo {args[0]} did not finish within {timeout_s:.0f} s") from exc
    except OSError as exc:
        raise PromptfooError(f"promptfoo could not start: {exc}") from exc
    run = PromptfooRun(args=args, exit_code=done.returncode, stdout=done.stdout, stderr=done.stderr)
    if done.returncode not in (0, TESTS_FAILED):
        raise PromptfooError(f"promptfoo {args[0]} failed (exit {done.returncode}): {crash_line(run)}")
    return run


def crash_line(run: PromptfooRun) -> str:
    """The one line that says why promptfoo stopped: its exception, else its first error line (with
    the lines it introduces), else its last word."""
    lines = [
        line.strip() for line in (run.stderr + "\n" + run.stdout).splitlines() if not _NOISE.search(line)
    ]
    pick = next((i for i, line in enumerate(lines) if _EXCEPTION.match(line)), None)
    if pick is None:
        pick = next((i for i, line in enumerate(lines) if _ERROR_WORDS.search(line)), None)
    if pick is None:
        return (lines or ["no output"])[-1][:300]
    chosen = lines[pick]
    if chosen.endswith(":"):  # "Invalid configuration file …:" is followed by what is invalid
        chosen = " ".join([chosen, *lines[pick + 1 : pick + 4]])
    return chosen if len(chosen) <= 300 else chosen[:299] + "…"


def eval_args(
    config: Path, output: Path, *, concurrency: int = 4, extra: list[str] | None = None
) -> list[str]:
    """`promptfoo eval` on an exported config. `--no-cache`: promptfoo's cache would replay an answer
    of older code; Tailor's own response cache keeps a repeat run free of model calls."""
    return [
        "eval",
        "-c",
        str(config),
        "-o",
        str(output),
        "--no-cache",
        "--no-progress-bar",
        "--no-table",
        "--no-share",
        "-j",
        str(concurrency),
        *(extra or []),
    ]
