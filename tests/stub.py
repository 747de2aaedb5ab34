"""The OpenAI-compatible stub server as a pytest helper: a real HTTP endpoint in its own process."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Stub:
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=5) as response:
            return int(json.loads(response.read())["requests"])


@contextmanager
def stub_server(latency_ms: float) -> Iterator[Stub]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.models.stub_server", "--port", "0", "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("port "):
            raise RuntimeError(f"stub server did not start: {line!r}")
        yield Stub(int(line.split()[1]))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
