"""The ci/ scripts the workflows call: candidate choice, gate invocation, promotion, PR comment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from app.settings import PROJECT_ROOT

CI = PROJECT_ROOT / "ci"
MARKER = "<!-- tailor-gate -->"
SCRUBBED = ("TAILOR_CANDIDATE", "GATE_BASE_REF", "GATE_OUT", "GATE_DATASET", "OPENAI_API_KEY",
            "TAILOR_GATE_MODEL", "GITHUB_STEP_SUMMARY", "TAILOR_STATE_URL", "TAILOR", "GITHUB_TOKEN")
FAKE_TAILOR = """#!/usr/bin/env bash
printf '%s\\n' "$@" > "$FAKE_ARGS"
out=""
while [[ $# -gt 0 ]]; do [[ "$1" == --out ]] && out="$2"; shift; done
if [[ -n "$out" ]]; then mkdir -p "$out"; echo "## gate report (exit $FAKE_EXIT)" > "$out/report.md"; fi
[[ "$FAKE_EXIT" == 0 ]] || echo "error: fake refusal" >&2
exit "$FAKE_EXIT"
"""


def script_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    env.update(overrides)
    return env


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=script_env(), capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit_file(repo: Path, relative: str, text: str) -> None:
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"change {relative}")


def manifest(label: str) -> str:
    return f"label: {label}\ndescription: a test manifest\nmodel: local/smollm2\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repo with the ci/ scripts, one manifest on main, and a `feature` branch checked out."""
    root = tmp_path / "repo"
    (root / "ci").mkdir(parents=True)
    for name in ("candidate.sh", "gate.sh", "promote.sh"):
        shutil.copy2(CI / name, root / "ci" / name)
    git(root, "init", "-q", "-b", "main")
    commit_file(root, "prompt_registry/pipelines/v7-strict.yaml", manifest("v7-strict"))
    git(root, "checkout", "-q", "-b", "feature")
    return root


def run_script(repo: Path, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(repo / "ci" / name)], cwd=repo, env=script_env(**env), capture_output=True, text=True)


# ---- ci/candidate.sh


def test_candidate_is_the_label_of_the_changed_manifest(repo: Path) -> None:
    commit_file(repo, "prompt_registry/pipelines/v8-try.yaml", manifest("my-try"))
    result = run_script(repo, "candidate.sh", GATE_BASE_REF="main")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "my-try\n"
    assert "v8-try.yaml" in result.stderr


def test_candidate_is_production_for_a_code_only_change(repo: Path) -> None:
    commit_file(repo, "app/module.py", "x = 1\n")
    result = run_script(repo, "candidate.sh", GATE_BASE_REF="main")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "production\n"


def test_candidate_ignores_a_deleted_manifest(repo: Path) -> None:
    (repo / "prompt_registry/pipelines/v7-strict.yaml").unlink()
    git(repo, "commit", "-q", "-am", "drop v7")
    assert run_script(repo, "candidate.sh", GATE_BASE_REF="main").stdout == "production\n"


def test_candidate_takes_the_newest_of_several_by_file_name(repo: Path) -> None:
    commit_file(repo, "prompt_registry/pipelines/v10-next.yaml", manifest("v10-next"))
    commit_file(repo, "prompt_registry/pipelines/v9-next.yaml", manifest("v9-next"))
    result = run_script(repo, "candidate.sh", GATE_BASE_REF="main")
    assert result.stdout == "v10-next\n"
    assert "2 changed manifests" in result.stderr


def test_candidate_diffs_from_the_merge_base_not_the_base_tip(repo: Path) -> None:
    """A manifest added on main after the branch point is not this branch's candidate."""
    git(repo, "checkout", "-q", "main")
    commit_file(repo, "prompt_registry/pipelines/v8-main.yaml", manifest("v8-main"))
    git(repo, "checkout", "-q", "feature")
    commit_file(repo, "app/module.py", "x = 1\n")
    assert run_script(repo, "candidate.sh", GATE_BASE_REF="main").stdout == "production\n"


def test_candidate_defaults_to_origin_main(repo: Path, tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", "-b", "pr")
    commit_file(clone, "prompt_registry/pipelines/v8-try.yaml", manifest("v8-try"))
    assert run_script(clone, "candidate.sh").stdout == "v8-try\n"


def test_explicit_candidate_wins(repo: Path) -> None:
    commit_file(repo, "prompt_registry/pipelines/v8-try.yaml", manifest("my-try"))
    result = run_script(repo, "candidate.sh", GATE_BASE_REF="main", TAILOR_CANDIDATE="v5-strict")
    assert result.stdout == "v5-strict\n"


def test_candidate_fails_in_one_line_without_a_base(repo: Path) -> None:
    result = run_script(repo, "candidate.sh", GATE_BASE_REF="origin/nowhere")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "origin/nowhere" in result.stderr


# ---- ci/gate.sh and ci/promote.sh with a fake `tailor`


@pytest.fixture
def fake_tailor(tmp_path: Path) -> Path:
    path = tmp_path / "bin" / "tailor"
    path.parent.mkdir()
    path.write_text(FAKE_TAILOR, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("gate_exit", [0, 1, 2])
def test_gate_passes_the_exit_code_through_and_summarises(
    repo: Path, fake_tailor: Path, tmp_path: Path, gate_exit: int
) -> None:
    commit_file(repo, "prompt_registry/pipelines/v8-try.yaml", manifest("my-try"))
    args_file, summary, out = tmp_path / "args.txt", tmp_path / "summary.md", tmp_path / "gate-out"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = run_script(repo, "gate.sh", TAILOR=str(fake_tailor), FAKE_ARGS=str(args_file), FAKE_EXIT=str(gate_exit),
                        GATE_BASE_REF="main", GATE_OUT=str(out), GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == gate_exit, result.stderr
    assert args_file.read_text(encoding="utf-8").split("\n")[:-1] == [
        "gate", "--candidate", "my-try", "--baseline", "production", "--dataset", "golden:core", "--out", str(out)]
    assert summary.read_text(encoding="utf-8") == f"earlier step\n## gate report (exit {gate_exit})\n"
    assert "local model" in result.stdout


def test_gate_uses_the_hosted_model_when_its_key_is_set(repo: Path, fake_tailor: Path, tmp_path: Path) -> None:
    args_file = tmp_path / "args.txt"
    common = {"TAILOR": str(fake_tailor), "FAKE_ARGS": str(args_file), "FAKE_EXIT": "0",
              "TAILOR_CANDIDATE": "v8-try", "GATE_OUT": str(tmp_path / "out"), "GATE_DATASET": "golden:smoke",
              "OPENAI_API_KEY": "sk-test"}
    result = run_script(repo, "gate.sh", **common)
    args = args_file.read_text(encoding="utf-8").split()
    assert args[args.index("--model") + 1] == "openai/gpt-4o-mini"
    assert args[args.index("--dataset") + 1] == "golden:smoke"
    assert "hosted model openai/gpt-4o-mini" in result.stdout
    run_script(repo, "gate.sh", **common, TAILOR_GATE_MODEL="openai/gpt-4.1")
    args = args_file.read_text(encoding="utf-8").split()
    assert args[args.index("--model") + 1] == "openai/gpt-4.1"


def test_promote_does_nothing_for_a_code_only_change(repo: Path, fake_tailor: Path, tmp_path: Path) -> None:
    commit_file(repo, "app/module.py", "x = 1\n")
    args_file = tmp_path / "args.txt"
    result = run_script(repo, "promote.sh", TAILOR=str(fake_tailor), FAKE_ARGS=str(args_file), FAKE_EXIT="1",
                        GATE_BASE_REF="main")
    assert result.returncode == 0
    assert not args_file.exists()


def test_promote_needs_the_shared_store(repo: Path, fake_tailor: Path, tmp_path: Path) -> None:
    commit_file(repo, "prompt_registry/pipelines/v8-try.yaml", manifest("v8-try"))
    result = run_script(repo, "promote.sh", TAILOR=str(fake_tailor), FAKE_ARGS=str(tmp_path / "args.txt"),
                        FAKE_EXIT="0", GATE_BASE_REF="main", TAILOR_STATE_URL="")
    assert result.returncode == 2
    assert "TAILOR_STATE_URL" in result.stderr


@pytest.mark.parametrize("promote_exit", [0, 1])
def test_promote_calls_tailor_promote_and_passes_its_verdict(
    repo: Path, fake_tailor: Path, tmp_path: Path, promote_exit: int
) -> None:
    commit_file(repo, "prompt_registry/pipelines/v8-try.yaml", manifest("v8-try"))
    args_file = tmp_path / "args.txt"
    result = run_script(repo, "promote.sh", TAILOR=str(fake_tailor), FAKE_ARGS=str(args_file),
                        FAKE_EXIT=str(promote_exit), GATE_BASE_REF="main", TAILOR_STATE_URL="sqlite:///shared.db")
    assert result.returncode == promote_exit
    assert args_file.read_text(encoding="utf-8").split() == [
        "promote", "v8-try", "--to", "production", "--dataset", "golden:core"]
    assert ("fake refusal" in result.stderr) == bool(promote_exit)


# ---- ci/pr_comment.py against a fake GitHub API


@dataclass
class FakeGitHub:
    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    refuse_writes: bool = False
    url: str = ""
    next_id: int = 1000


def make_handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def answer(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def payload(self) -> dict[str, Any]:
            body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            return body

        def do_GET(self) -> None:
            url = urlparse(self.path)
            state.requests.append(("GET", url.path))
            assert self.headers["Authorization"] == "Bearer test-token"
            query = parse_qs(url.query)
            size, page = int(query["per_page"][0]), int(query["page"][0])
            self.answer(200, state.comments[(page - 1) * size : page * size])

        def do_POST(self) -> None:
            state.requests.append(("POST", self.path))
            if state.refuse_writes:
                return self.answer(403, {"message": "Resource not accessible by integration"})
            comment = {"id": state.next_id, "body": self.payload()["body"]}
            state.next_id += 1
            state.comments.append(comment)
            self.answer(201, comment)

        def do_PATCH(self) -> None:
            state.requests.append(("PATCH", self.path))
            comment_id = int(self.path.rsplit("/", 1)[1])
            comment = next(c for c in state.comments if c["id"] == comment_id)
            comment["body"] = self.payload()["body"]
            self.answer(200, comment)

    return Handler


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    state = FakeGitHub(comments=[{"id": n, "body": f"human comment {n}"} for n in range(1, 131)])
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def post_report(github: FakeGitHub, tmp_path: Path, report: Path) -> subprocess.CompletedProcess[str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": 7}}), encoding="utf-8")
    env = script_env(GITHUB_TOKEN="test-token", GITHUB_REPOSITORY="acme/tailor", GITHUB_EVENT_PATH=str(event),
                     GITHUB_API_URL=github.url)
    return subprocess.run([sys.executable, str(CI / "pr_comment.py"), str(report)], env=env,
                          capture_output=True, text=True, timeout=60)


def marked(github: FakeGitHub) -> list[dict[str, Any]]:
    return [comment for comment in github.comments if MARKER in comment["body"]]


def test_pr_comment_posts_once_then_updates_in_place(github: FakeGitHub, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text("## Gate: FAIL\n", encoding="utf-8")
    first = post_report(github, tmp_path, report)
    assert first.returncode == 0, first.stderr
    assert [method for method, _ in github.requests] == ["GET", "GET", "POST"]  # 130 comments: two pages
    assert github.requests[-1][1] == "/repos/acme/tailor/issues/7/comments"
    (comment,) = marked(github)
    assert comment["body"] == f"{MARKER}\n## Gate: FAIL\n"

    github.requests.clear()
    report.write_text("## Gate: PASS\n", encoding="utf-8")
    second = post_report(github, tmp_path, report)
    assert second.returncode == 0, second.stderr
    assert github.requests[-1] == ("PATCH", f"/repos/acme/tailor/issues/comments/{comment['id']}")
    assert not any(method == "POST" for method, _ in github.requests)
    (updated,) = marked(github)
    assert updated["id"] == comment["id"]
    assert updated["body"] == f"{MARKER}\n## Gate: PASS\n"
    assert len(github.comments) == 131


def test_pr_comment_says_when_there_is_no_report(github: FakeGitHub, tmp_path: Path) -> None:
    result = post_report(github, tmp_path, tmp_path / "missing.md")
    assert result.returncode == 0, result.stderr
    (comment,) = marked(github)
    assert "wrote no report" in comment["body"]


def test_pr_comment_warns_but_passes_on_a_read_only_token(github: FakeGitHub, tmp_path: Path) -> None:
    github.refuse_writes = True
    report = tmp_path / "report.md"
    report.write_text("## Gate: PASS\n", encoding="utf-8")
    result = post_report(github, tmp_path, report)
    assert result.returncode == 0
    assert result.stderr.startswith("::warning::") and "403" in result.stderr
    assert marked(github) == []


def test_pr_comment_needs_its_environment(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(CI / "pr_comment.py"), str(tmp_path / "r.md")],
                            env=script_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and "GITHUB_TOKEN" in result.stderr
