"""The web page in headless Chromium (Debian's, driven by Playwright), against a real uvicorn server on
a free port: paste the sample resume and JD, submit, watch the agents, see the tailored resume with
its changed lines, the suggestions marked "needs evidence", and the version served."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import get_settings
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, set_api_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """uvicorn in a thread of this process (so the scripted fake model it serves is registered)."""
    import uvicorn

    from app.api import create_app

    set_api_env(monkeypatch)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(get_settings()), host="127.0.0.1", port=port, log_config=None, access_log=False)
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)


@pytest.mark.slow
def test_the_page_tailors_the_sample(server: str, tmp_path: Path) -> None:
    if shutil.which("chromium") is None or not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (Debian package `chromium`)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1800})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server + "/")
            assert "v7-strict+fake/model" in page.inner_text("#served")
            page.fill("#resume", RESUME)
            page.fill("#jd", JD)
            page.click("#submit")
            page.wait_for_selector("#result:not([hidden])", timeout=60_000)

            agents = page.locator("#agents li")
            assert agents.count() == 5
            assert all("done" in text for text in agents.all_inner_texts())
            assert page.inner_text("#result-version").startswith("v7-strict+fake/model")
            tailored = page.inner_text("#tailored")
            assert "Priya Raman" in tailored and "Priya Raman" in page.inner_text("#original")
            suggestions = page.locator("#suggestions li")
            assert suggestions.count() >= 1
            assert "needs evidence" in page.inner_text("#suggestions")
            marks = page.locator("#suggestions .mark")
            assert marks.count() == suggestions.count()
            assert "needs evidence" in page.locator("#suggestions .needs-evidence").all_inner_texts()
            listed = page.inner_text("#suggestions")
            assert "nice_to_have" not in listed and "must_have" not in listed
            assert not errors, errors

            with page.expect_download() as download_info:
                page.click("button[data-format=md]")
            saved = tmp_path / "tailored.md"
            download_info.value.save_as(saved)
            assert saved.read_text(encoding="utf-8").startswith("# Priya Raman")
            page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
            assert (tmp_path / "page.png").stat().st_size > 10_000
        finally:
            browser.close()
