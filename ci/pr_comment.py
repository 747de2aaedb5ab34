#!/usr/bin/env python3
"""Posts the gate's report.md as one pull-request comment, updated in place on every push.

The comment carries a hidden marker (`<!-- tailor-gate -->`); a later run finds it through the
GitHub REST API and PATCHes it instead of posting another. Standard library only, so it also runs
when setup failed (the comment then says the gate wrote no report).

Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), GITHUB_EVENT_PATH (the pull_request
event, for the PR number), GITHUB_API_URL (default https://api.github.com; a test points it at a
local fake), GITHUB_SERVER_URL and GITHUB_RUN_ID (the run link when there is no report).

Usage: ci/pr_comment.py [REPORT_MD]   (default data/gate/report.md)
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # app.errors without the venv
from app.errors import ConfigError, InputError, TailorError

MARKER = "<!-- tailor-gate -->"
MAX_BODY_CHARS = 65_000  # GitHub refuses comment bodies over 65,536 characters
PAGE_SIZE = 100
DEFAULT_REPORT = Path("data/gate/report.md")


class GitHubApiError(TailorError):
    """The GitHub API refused or failed a request."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PullRequestTarget:
    api_url: str
    repository: str
    number: int
    token: str


def target_from_environment(env: dict[str, str]) -> PullRequestTarget:
    missing = [name for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH") if not env.get(name)]
    if missing:
        raise ConfigError(f"pr_comment: {', '.join(missing)} not set")
    event_path = Path(env["GITHUB_EVENT_PATH"])
    try:
        event = json.loads(event_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"pr_comment: cannot read the event file {event_path}: {exc}") from exc
    number = event.get("pull_request", {}).get("number") or event.get("number")
    if not isinstance(number, int):
        raise InputError(f"pr_comment: {event_path} is not a pull_request event (no PR number)")
    api_url = env.get("GITHUB_API_URL") or "https://api.github.com"
    return PullRequestTarget(api_url.rstrip("/"), env["GITHUB_REPOSITORY"], number, env["GITHUB_TOKEN"])


def comment_body(report: Path, env: dict[str, str]) -> str:
    if report.is_file():
        text = report.read_text(encoding="utf-8")
    else:
        run_url = f"{env.get('GITHUB_SERVER_URL', 'https://github.com')}/{env.get('GITHUB_REPOSITORY', '')}/actions/runs/{env.get('GITHUB_RUN_ID', '')}"
        text = f"## Regression gate\n\nThe gate wrote no report (it errored or did not run); see the [job log]({run_url}).\n"
    body = f"{MARKER}\n{text}"
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS] + "\n\n… (truncated: the whole report is in the run's artifact)\n"
    return body


class GitHubClient:
    def __init__(self, target: PullRequestTarget) -> None:
        self.target = target
        self.repo_url = f"{target.api_url}/repos/{target.repository}"

    def request(self, method: str, url: str, payload: dict[str, str] | None = None) -> Any:
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.target.token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", "tailor-gate")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise GitHubApiError(f"pr_comment: {method} {url} answered {exc.code} {exc.reason}", exc.code) from exc
        except urllib.error.URLError as exc:
            raise GitHubApiError(f"pr_comment: {method} {url} failed: {exc.reason}", 0) from exc

    def find_marked_comment(self) -> int | None:
        """The id of the earlier gate comment on the PR, if any (every page is searched)."""
        page = 1
        while True:
            url = f"{self.repo_url}/issues/{self.target.number}/comments?per_page={PAGE_SIZE}&page={page}"
            comments = self.request("GET", url)
            for comment in comments:
                if MARKER in (comment.get("body") or ""):
                    return int(comment["id"])
            if len(comments) < PAGE_SIZE:
                return None
            page += 1

    def upsert(self, body: str) -> tuple[str, int]:
        existing = self.find_marked_comment()
        if existing is not None:
            self.request("PATCH", f"{self.repo_url}/issues/comments/{existing}", {"body": body})
            return "updated", existing
        created = self.request("POST", f"{self.repo_url}/issues/{self.target.number}/comments", {"body": body})
        return "posted", int(created["id"])


def main(argv: list[str]) -> int:
    report = Path(argv[1]) if len(argv) > 1 else DEFAULT_REPORT
    env = dict(os.environ)
    try:
        target = target_from_environment(env)
        action, comment_id = GitHubClient(target).upsert(comment_body(report, env))
    except GitHubApiError as exc:
        if exc.status == 403:  # a fork's pull request gets a read-only token: the summary still has the report
            print(f"::warning::{exc.message}", file=sys.stderr)
            return 0
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except TailorError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    print(f"pr_comment: {action} comment {comment_id} on {target.repository}#{target.number}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
