"""The HTML report: written, self-contained, escaped, offenses highlighted, numbers match summary.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evals.report import write_report
from evals.report._report import highlight, structural_diff
from evals.runner import CASES_FILE, REPORT_FILE, SUMMARY_FILE
from tests.run_fixtures import make_run_dir

INJECTION = "<script>alert(1)</script>"


class _Cells(HTMLParser):
    """Every element with a `data-field` attribute: its attributes and its visible text; plus the cases."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: dict[tuple[str, str, str], dict[str, str]] = {}
        self.case_ids: list[str] = []
        self._open: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for cell in self._open:
            cell["depth"] += cell["tag"] == tag
        if tag == "details" and "data-case" in a:
            self.case_ids.append(a["data-case"])
        if "data-field" in a:
            key = (a.get("data-case", ""), a.get("data-metric", ""), a["data-field"])
            self._open.append({"tag": tag, "depth": 1, "key": key, "attrs": a, "text": []})

    def handle_endtag(self, tag: str) -> None:
        for cell in list(self._open):
            cell["depth"] -= cell["tag"] == tag
            if cell["depth"] == 0:
                self._open.remove(cell)
                self.cells[cell["key"]] = {
                    "value": cell["attrs"].get("data-value", ""),
                    "text": "".join(cell["text"]).strip(),
                }

    def handle_data(self, data: str) -> None:
        for cell in self._open:
            cell["text"].append(data)


def _cells(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    parser.close()
    return parser


def _inject(run_dir: Path) -> None:
    """Put a script tag in a source bullet (JSON and markdown) of case c1."""
    path = run_dir / CASES_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        record = json.loads(line)
        if record["case_id"] == "c1":
            record["source"]["work"][0]["highlights"].append(INJECTION)
            record["source_markdown"] += f"- {INJECTION}\n"
            record["changes"] = [
                {"path": "work.0.highlights.1", "status": "reverted", "reasons": ["45% invented"]}
            ]
            lines[i] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, dict[str, Any], str]:
    run_dir = make_run_dir(tmp_path / "run")
    _inject(run_dir)
    path = write_report(run_dir)
    summary = json.loads((run_dir / SUMMARY_FILE).read_text())
    return path, summary, path.read_text(encoding="utf-8")


def test_report_is_written(report: tuple[Path, dict[str, Any], str]) -> None:
    path, _, html = report
    assert path.name == REPORT_FILE and path.exists()
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert (
        "v2-strict" in html and "abababababab" in html and "golden:smoke" in html and "local/smollm2" in html
    )
    assert html.count("<svg") == 4  # one histogram per metric
    assert not list(path.parent.glob(".report.html.*"))  # no temporary file left behind


def test_report_is_self_contained(report: tuple[Path, dict[str, Any], str]) -> None:
    html = report[2]
    assert not re.search(r"""\b(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
    assert "@import" not in html and "<link" not in html.lower()
    assert "<script" not in html.lower()  # no script of ours, and none smuggled in


def test_injected_script_is_escaped(report: tuple[Path, dict[str, Any], str]) -> None:
    html = report[2]
    assert INJECTION not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_offense_span_is_highlighted(report: tuple[Path, dict[str, Any], str]) -> None:
    html = report[2]
    tailored = re.findall(r'<pre class="tailored">(.*?)</pre>', html, re.S)
    assert any(re.search(r'<mark class="offense" data-kind="metric"[^>]*>45%</mark>', t) for t in tailored)
    # The failing case comes first and is open.
    first = re.search(r"<details [^>]*>", html)
    assert first and 'data-case="c1"' in first.group(0) and " open" in first.group(0)


def test_every_metric_mean_is_in_a_data_value(report: tuple[Path, dict[str, Any], str]) -> None:
    _, summary, html = report
    cells = _cells(html).cells
    assert summary["metrics"]
    for name, metric in summary["metrics"].items():
        for field in ("mean", "pass_rate", "n", "missing"):
            cell = cells[("", name, field)]
            assert cell["value"] == ("" if metric[field] is None else json.dumps(metric[field]))
        assert cells[("", name, "mean")]["text"] == f"{metric['mean']:.3f}"
    assert "judge output unparsable" in html  # the missing reason is shown


def test_highlight_escapes_and_merges_overlaps() -> None:
    text = "a <b> 45% & 45% then 5% x"
    out = str(highlight(text, [("45%", "metric"), ("5% ", "number"), ("<b>", "tag"), ("", "empty")]))
    assert "<b>" not in out.replace('<mark class="offense" data-kind="tag" title="tag">&lt;b&gt;</mark>', "")
    assert out.count('data-kind="metric number"') == 2  # "45% " twice: overlapping spans merged, repeats kept
    assert out.count('data-kind="number"') == 1  # the lone "5% "
    assert "&amp;" in out and out.count("<mark") == out.count("</mark>") == 4


def test_structural_diff_rows() -> None:
    old = {"basics": {"name": "A", "label": "x"}, "skills": [{"name": "Go"}]}
    new = {"basics": {"name": "B"}, "skills": [{"name": "Go"}, {"name": "SQL"}]}
    rows = {(r["change"], r["path"]): r for r in structural_diff(old, new)}
    assert rows[("changed", "basics.name")]["old"] == "A" and rows[("changed", "basics.name")]["new"] == "B"
    assert rows[("removed", "basics.label")]["old"] == "x"
    assert json.loads(rows[("added", "skills.1")]["new"]) == {"name": "SQL"}


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    chromium = shutil.which("chromium")
    assert chromium
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=60, check=True)


def _assert_number(cell: dict[str, str], expected: float | int | None) -> None:
    if expected is None:
        assert cell["value"] == "" and cell["text"] == "—"
        return
    assert json.loads(cell["value"]) == expected
    decimals = len(cell["text"].partition(".")[2])
    assert abs(float(cell["text"]) - expected) <= 0.5 * 10**-decimals + 1e-9, (cell, expected)


@pytest.mark.slow
def test_report_in_a_browser(report: tuple[Path, dict[str, Any], str], tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed")
    path, summary, _ = report
    dom = _chromium(["--dump-dom", path.as_uri()], tmp_path / "profile").stdout
    parsed = _cells(dom)
    cells = parsed.cells
    assert summary["metrics"]
    for name, metric in summary["metrics"].items():
        _assert_number(cells[("", name, "mean")], metric["mean"])
        _assert_number(cells[("", name, "pass_rate")], metric["pass_rate"])
    _assert_number(cells[("", "", "latency_p50")], summary["latency_ms"]["p50"])
    _assert_number(cells[("", "", "latency_p95")], summary["latency_ms"]["p95"])
    _assert_number(cells[("", "", "cases_total")], summary["cases"]["total"])
    assert len(parsed.case_ids) == summary["cases"]["ok"]
    assert "<script>alert(1)" not in dom  # still text after the browser parsed it

    shot = tmp_path / "report.png"
    _chromium([f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri()], tmp_path / "profile")
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
