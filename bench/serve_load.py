"""The serving API under load, offline: `tailor serve`'s app in its own uvicorn process, the model being
the OpenAI-compatible stub server (`openai/stub`, answering after L ms), an API key on every request.

    python bench/serve_load.py [--clients 32] [--requests 2000] [--jobs 200] [--latency-ms 5] [--postgres]

1. Latency: C concurrent clients send R requests to `POST /v1/optimize` on a cached pipeline result
   (the same body with the same Idempotency-Key: the stored, finished job is answered), and R to a
   bare FastAPI endpoint added to the same app on the same server (`GET /bench/bare`, through the
   same middleware). Prints p50, p99 and requests per second of each, and the p50 ratio (goal: 2x).
   For scale it also sends fresh optimisations (no key reuse, warm LLM cache), which run the pipeline.
2. Jobs: J concurrent `POST /v1/jobs`, then polls every job until it ends: how many finished, failed,
   were still unfinished at the timeout, and were lost (accepted, then unknown), and how many answers
   were 5xx (goal: 0 lost, 0 5xx).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESUME = (ROOT / "golden" / "samples" / "resume.md").read_text(encoding="utf-8")
JD = (ROOT / "golden" / "samples" / "job.txt").read_text(encoding="utf-8")
FINAL = {"succeeded", "failed", "erased"}


# -- the server ---------------------------------------------------------------------------------
def serve(port: int) -> None:
    """The bench's server process: Tailor's app plus one bare endpoint, under uvicorn."""
    import uvicorn

    from app.api import create_app
    from app.api.observability import configure_json_logging

    configure_json_logging("info")  # as `tailor serve` logs: one JSON line per request
    app = create_app()

    @app.get("/bench/bare", include_in_schema=False)
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


def start_stub(latency_ms: float) -> tuple[subprocess.Popen[str], int]:
    stub = subprocess.Popen(
        [sys.executable, "-m", "app.models.stub_server", "--port", "0", "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert stub.stdout is not None
    return stub, int(stub.stdout.readline().split()[1])


def server_env(data: Path, stub_port: int) -> dict[str, str]:
    env = {**os.environ, "TAILOR_HOME": str(ROOT), "TAILOR_DATA_DIR": str(data), "OPENAI_API_KEY": "sk-stub",
           "OPENAI_API_BASE": f"http://127.0.0.1:{stub_port}/v1", "TAILOR_API_MODEL": "openai/stub",
           "TAILOR_API_RATE_BURST": "1000000", "TAILOR_API_RATE_PER_MINUTE": "1000000",
           "TAILOR_API_SYNC_DEADLINE_S": "120", "TAILOR_API_JOB_BACKEND": "local",
           "LITELLM_LOCAL_MODEL_COST_MAP": "True"}  # fmt: skip
    for name in ("TAILOR_STATE_URL", "REDIS_URL", "TAILOR_API_KEYS"):
        env.pop(name, None)
    return env


def make_key(state_url: str) -> str:
    from app.state import open_state

    return open_state(state_url).create_api_key(name="bench", role="operator", who="bench").key


POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


def postgres_database(create: bool, name: str) -> None:
    """Create (or drop) a scratch database on the local PostgreSQL for `--postgres`."""
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


# -- the clients --------------------------------------------------------------------------------
@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    wall_s: float = 0.0

    def line(self) -> str:
        ordered = sorted(self.latencies_ms)
        p50 = statistics.median(ordered)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        rps = len(ordered) / self.wall_s
        codes = " ".join([*(f"{code}×{n}" for code, n in sorted(self.statuses.items())),
                          *(f"{name}×{n}" for name, n in sorted(self.errors.items()))])  # fmt: skip
        return f"  {self.name:<34} n={len(ordered):5d}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {rps:7.1f} req/s  [{codes}]"

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)


async def drive(client: Any, name: str, n: int, clients: int, request: Any) -> Phase:
    phase, queue = Phase(name), iter(range(n))

    async def worker() -> None:
        import httpx

        for i in queue:
            started = time.perf_counter()
            try:
                status = (await request(client, i)).status_code
            except httpx.TransportError as exc:  # counted, not fatal: a dropped connection is a result too
                phase.errors[type(exc).__name__] += 1
                continue
            phase.latencies_ms.append((time.perf_counter() - started) * 1000)
            phase.statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    phase.wall_s = time.perf_counter() - started
    return phase


async def jobs_phase(client: Any, n: int, timeout_s: float) -> dict[str, float]:
    statuses: Counter[int] = Counter()

    errors: Counter[str] = Counter()

    async def submit(i: int) -> str | None:
        import httpx

        body = {"resume": RESUME, "jd": JD + f"\n\nReference: bench-{i}"}
        try:
            response = await client.post("/v1/jobs", json=body)
        except httpx.TransportError as exc:
            errors[f"submit {type(exc).__name__}"] += 1
            return None
        statuses[response.status_code] += 1
        return str(response.json()["job_id"]) if response.status_code == 202 else None

    started = time.perf_counter()
    ids = [job_id for job_id in await asyncio.gather(*(submit(i) for i in range(n))) if job_id]
    submitted_s = time.perf_counter() - started
    final: dict[str, str] = {}
    deadline = time.monotonic() + timeout_s
    while len(final) < len(ids) and time.monotonic() < deadline:
        pending = [job_id for job_id in ids if job_id not in final]
        answers = await asyncio.gather(*(client.get(f"/v1/jobs/{job_id}") for job_id in pending), return_exceptions=True)
        for job_id, answer in zip(pending, answers, strict=True):
            if isinstance(answer, BaseException):
                errors[f"poll {type(answer).__name__}"] += 1
                continue
            statuses[answer.status_code] += 1
            if answer.status_code == 200 and answer.json()["status"] in FINAL:
                final[job_id] = answer.json()["status"]
            elif answer.status_code == 404:
                final[job_id] = "lost"
        await asyncio.sleep(0.5)
    if errors:
        print(f"  connection errors (the client's side; retried by the polling): {dict(errors)}")
    outcome = Counter(final.values())
    return {
        "submitted": n, "accepted": len(ids), "finished": outcome["succeeded"], "failed": outcome["failed"],
        "unfinished": len(ids) - len(final), "lost": outcome["lost"],
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "connection_errors": sum(errors.values()),  # details below
        "submit_s": round(submitted_s, 1), "all_done_s": round(time.perf_counter() - started, 1),
    }  # fmt: skip


async def measure(base: str, key: str, args: argparse.Namespace) -> None:
    import httpx

    # Idle connections are dropped by the client before uvicorn's 5 s keep-alive closes them, so a
    # reused connection never races the server's close (that race showed as a rare ReadError).
    limits = httpx.Limits(max_connections=max(args.clients, 64), max_keepalive_connections=max(args.clients, 64),
                          keepalive_expiry=2.0)  # fmt: skip
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=300, limits=limits) as client:
        cached = {"resume": RESUME, "jd": JD}
        idem = {"Idempotency-Key": "bench-cached"}
        warm = await client.post("/v1/optimize", json=cached, headers=idem)
        assert warm.status_code == 200, warm.text
        for _ in range(50):  # warm both paths: connections, caches, code
            await client.get("/bench/bare")
            await client.post("/v1/optimize", json=cached, headers=idem)

        async def bare_request(c: Any, _: int) -> Any:
            return await c.get("/bench/bare")

        async def cached_request(c: Any, _: int) -> Any:
            return await c.post("/v1/optimize", json=cached, headers=idem)

        async def fresh_request(c: Any, i: int) -> Any:
            return await c.post("/v1/optimize", json={"resume": RESUME, "jd": JD + f"\n\nReference: fresh-{i}"})

        bare = await drive(client, "GET /bench/bare (bare FastAPI)", args.requests, args.clients, bare_request)
        optimize = await drive(client, "POST /v1/optimize (cached result)", args.requests, args.clients, cached_request)
        fresh = await drive(client, "POST /v1/optimize (fresh, warm LLM)", args.fresh, min(args.clients, args.fresh), fresh_request)
        print(f"latency: C={args.clients} concurrent clients, stub model L={args.latency_ms:g} ms, one API key")
        for phase in (bare, optimize, fresh):
            print(phase.line())
        ratio = optimize.p50 / bare.p50
        print(f"  p50 ratio cached optimise / bare: {ratio:.2f} (goal <= 2: {'met' if ratio <= 2 else 'NOT met'})")
        result = await jobs_phase(client, args.jobs, args.jobs_timeout_s)
        print(f"jobs: {args.jobs} concurrent POST /v1/jobs, then polled until they end (in-process runner)")
        print("  " + "  ".join(f"{k} {v}" for k, v in result.items()))
        ok = result["lost"] == 0 and result["5xx"] == 0 and result["accepted"] == args.jobs
        print(f"  goal 0 lost, 0 5xx: {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--fresh", type=int, default=40, help="fresh optimisations (each runs the pipeline)")
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--jobs-timeout-s", type=float, default=900)
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--postgres", action="store_true", help="state store on the local PostgreSQL (default SQLite)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process's port
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    import httpx

    from tests.test_api_support import free_port

    with tempfile.TemporaryDirectory() as tmp_name:
        data = Path(tmp_name) / "data"
        database = f"tailor_bench_{os.getpid()}"
        state_url = f"{POSTGRES}/{database}" if args.postgres else f"sqlite:///{data / 'state.db'}"
        if args.postgres:
            postgres_database(True, database)
        stub, stub_port = start_stub(args.latency_ms)
        env = {**server_env(data, stub_port), "TAILOR_STATE_URL": state_url}
        os.environ.update({"TAILOR_HOME": str(ROOT), "TAILOR_DATA_DIR": str(data)})
        key = make_key(state_url)
        print(f"state store: {'PostgreSQL' if args.postgres else 'SQLite'}")
        port = free_port()
        log = open(Path(tmp_name) / "serve.log", "w")  # noqa: SIM115  (closed below)
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"server did not start: {(Path(tmp_name) / 'serve.log').read_text()[-2000:]}")
                time.sleep(0.25)
            asyncio.run(measure(base, key, args))
            problems = [line for line in (Path(tmp_name) / "serve.log").read_text().splitlines()
                        if '"level": "error"' in line or "Traceback" in line]  # fmt: skip
            print(f"server log: {len(problems)} error line(s)" + "".join(f"\n  {p[:300]}" for p in problems[:5]))
            if server.poll() is not None:
                print(f"the server exited with {server.returncode}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            stub.terminate()
            stub.wait(timeout=10)
            log.close()
            if args.postgres:
                from app.state import open_state

                open_state(state_url).close()
                postgres_database(False, database)


if __name__ == "__main__":
    main()
