"""Runner throughput: N cases, each a single model call, against a local OpenAI-compatible endpoint
that answers after a fixed latency L, at concurrency C. Whole processes are timed, imports included.

    python bench/eval_throughput.py [--n 400] [--latency-ms 200] [--concurrency 16]
    python bench/eval_throughput.py --backend celery --workers 2 [--n 4000] [--concurrency 16]

Prints the cold run's wall time beside the ideal N*L/C and their ratio, where the time went
(interpreter start and imports, the first call, the calls, the summary), and a warm-cache re-run's
wall time with its model-call count (0 expected).

The per-case work is the runner's own: the semaphore, retries, the LLM cache, one ChatRequest through
litellm, the cheap deterministic scorers (structure, usage), the append-only results file and the
summary. The tailoring pipeline's own per-case cost is measured by bench/local_model.py.

With `--backend celery`, the same N cases go through `tailor eval --backend celery --solver one-call`
to W workers (`tailor worker --queues <queue> --concurrency C/W`, already started and warm), with the
state store on a fresh PostgreSQL database, Redis as broker and as the shared response cache. Its
efficiency is the ideal N*L/C over the time from the first message sent to the last record written
(`dispatch.json`); the submitting process's whole wall time is printed beside it, and then the local
backend's run (the same N, L and C in one process), so both figures come from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_dataset(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(
        json.dumps({"name": "bench", "version": "1", "description": "synthetic"})
    )
    with (folder / "all.jsonl").open("w") as handle:
        for i in range(n):
            resume = {
                "basics": {"name": f"Candidate {i}", "summary": f"Engineer number {i} with Python."},
                "work": [
                    {
                        "name": "Acme",
                        "position": "Engineer",
                        "startDate": "2020-01",
                        "highlights": [f"Built service {i}"],
                    }
                ],
            }
            case = {"id": f"case-{i:05d}", "resume": resume, "job_description": f"Job {i}: Python, SQL."}
            handle.write(json.dumps(case) + "\n")


def worker(dataset: str, out: str, concurrency: int) -> None:
    """One evaluation in this process (what the parent times). Prints timings as JSON."""
    started = time.perf_counter()
    import asyncio

    from app.models import ChatParams, ChatRequest, ModelClient
    from app.registry import open_registry
    from app.settings import get_settings
    from evals.datasets import Case, open_dataset
    from evals.runner import EvalPlan, Solved, run_eval

    imported = time.perf_counter()  # litellm is not imported yet: the first cache miss imports it
    settings = get_settings()
    first_call: list[float] = []

    async def single_call(case: Case, client: ModelClient) -> Solved:
        request = ChatRequest(
            model="openai/stub",
            messages=({"role": "user", "content": case.job_description},),
            params=ChatParams(max_tokens=16),
        )
        t0 = time.perf_counter()
        completion = await client.acomplete(request, agent="single")
        if not first_call:
            first_call.append(time.perf_counter())  # when the first answer arrived
        source = case.resume if isinstance(case.resume, dict) else {}
        return Solved(source=source, tailored_resume=source, markdown=completion.text, suggestions=[],
                      usage=client.meter.summary(), latency_ms=(time.perf_counter() - t0) * 1000)  # fmt: skip

    plan = EvalPlan(
        pipeline=open_registry().resolve("production"),
        dataset=open_dataset(dataset, settings.datasets),
        scorers=["structure", "usage"],
        concurrency=concurrency,
        out_dir=Path(out),
        solver=single_call,
    )
    t_run = time.perf_counter()
    folder = asyncio.run(run_eval(plan, settings))
    done = time.perf_counter()
    summary = json.loads((folder / "summary.json").read_text())
    from app.heavy import load_seconds

    print(json.dumps({"litellm_import_s": load_seconds.get("litellm", 0.0),
        "imports_s": imported - started, "setup_s": t_run - imported, "run_s": done - t_run,
        "first_answer_s": (first_call[0] - t_run) if first_call else 0.0, "cases": summary["cases"]["ok"],
        "cache_hits": summary["usage"]["cache_hits"], "cache_misses": summary["usage"]["cache_misses"],
    }))  # fmt: skip


def _requests(port: int) -> int:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as response:
        return int(json.loads(response.read())["requests"])


def timed_worker(
    dataset: Path, out: Path, concurrency: int, env: dict[str, str]
) -> tuple[float, dict[str, float]]:
    cmd = [sys.executable, __file__, "--worker", "--dataset", f"{dataset}:all", "--out", str(out),
           "--concurrency", str(concurrency)]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"worker failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}"
        )
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def _wait_ready(broker: str, queue: str, workers: list[subprocess.Popen[bytes]], logs: list[Path]) -> None:
    """Until every worker answers on the queue (they log at warning level: no "ready" line to read)."""
    from celery import Celery

    app = Celery("bench", broker=broker, set_as_current=False)
    deadline = time.monotonic() + 120
    try:
        while True:
            replies = app.control.inspect(timeout=1.0).active_queues() or {}
            ready = [n for n, qs in replies.items() if any(q.get("name") == queue for q in qs or [])]
            if len(ready) >= len(workers):
                return
            dead = [log for proc, log in zip(workers, logs, strict=True) if proc.poll() is not None]
            if dead or time.monotonic() > deadline:
                where = dead[0] if dead else logs[0]
                raise SystemExit(f"worker did not start: {where.read_text(errors='replace')[-800:]}")
    finally:
        app.close()


def _fresh_database(server: str) -> tuple[str, Callable[[], None]]:
    import secrets

    from sqlalchemy import create_engine, text

    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    name = f"tailor_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                               {"n": name})  # fmt: skip
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return f"{server}/{name}", drop


FLOOR_CLIENT = """
import asyncio, os, sys, time
client, base, n, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
async def main():
    if client == "litellm":
        import litellm
        call = lambda i: litellm.acompletion(model="openai/stub", api_base=base, api_key="sk-stub",
                                             messages=[{"role": "user", "content": f"Job {i}"}], max_tokens=16)
    else:
        import openai
        raw = openai.AsyncOpenAI(base_url=base, api_key="sk-stub")
        call = lambda i: raw.chat.completions.create(model="stub", messages=[{"role": "user", "content": f"Job {i}"}],
                                                     max_tokens=16)
    gate = asyncio.Semaphore(c)
    async def one(i):
        async with gate:
            await call(i)
    await asyncio.gather(*(one(i) for i in range(c)))  # warm: imports, connections
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.time()
    await asyncio.gather(*(one(i) for i in range(n)))
    print(start, time.time(), flush=True)
asyncio.run(main())
"""


def floor_run(client: str, port: int, n: int, concurrency: int, processes: int, env: dict[str, str]) -> float:
    """The same N calls at the same concurrency from `processes` bare client processes (warm, started
    together): the efficiency any Python client reaches against this stub on this machine."""
    procs = [
        subprocess.Popen([sys.executable, "-c", FLOOR_CLIENT, client, f"http://127.0.0.1:{port}/v1",
                          str(n // processes), str(max(1, concurrency // processes))],
                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(processes)
    ]  # fmt: skip
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    spans = [tuple(map(float, proc.communicate(timeout=600)[0].split())) for proc in procs]
    return max(end for _, end in spans) - min(start for start, _ in spans)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc), 0 where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def celery_run(args: argparse.Namespace, tmp: Path, env: dict[str, str], port: int) -> dict[str, float]:
    """W warm workers, then one timed `tailor eval --backend celery`; its figures."""
    import redis

    for url in (args.broker, args.cache):
        redis.Redis.from_url(url).flushdb()
    state, drop = _fresh_database(args.postgres)
    queue = f"eval-bench-{os.getpid()}"
    env = {**env, "TAILOR_STATE_URL": state, "REDIS_URL": args.broker, "TAILOR_CACHE_URL": args.cache,
           "TAILOR_EVAL_QUEUE": queue}  # fmt: skip
    per_worker = max(1, args.concurrency // args.workers)
    workers: list[subprocess.Popen[bytes]] = []
    logs = [tmp / f"worker{i}.log" for i in range(args.workers)]
    try:
        for log in logs:
            with log.open("wb") as sink:
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "app", "worker", "--queues", queue, "--concurrency", str(per_worker),
                     "--log-level", "warning"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sink))  # fmt: skip
        _wait_ready(args.broker, queue, workers, logs)
        calls_before = _requests(port)
        cpu_before = sum(_cpu_seconds(proc.pid) for proc in workers)  # start-up and warm-up excluded
        out = tmp / "celery"
        cmd = [sys.executable, "-m", "app", "eval", "--dataset", f"{tmp / 'ds'}:all", "--model", "openai/stub",
               "--solver", "one-call", "--scorers", "structure,usage", "--no-track", "--backend", "celery",
               "--concurrency", str(args.concurrency), "--out", str(out), "--json"]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"celery run failed: {done.stderr.strip()[-800:]}")
        cpu_s = sum(_cpu_seconds(proc.pid) for proc in workers) - cpu_before
        dispatch = json.loads((out / "dispatch.json").read_text())
        summary = json.loads(done.stdout)
        return {
            "wall_s": wall,
            "span_s": dispatch["last_recorded_at"] - dispatch["first_sent_at"],
            "send_s": dispatch["last_sent_at"] - dispatch["first_sent_at"],
            "cases": summary["cases"]["ok"],
            "calls": _requests(port) - calls_before,
            "worker_cpu_s": cpu_s,
        }
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--backend", choices=("local", "celery"), default="local")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (--backend celery)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.dataset, args.out, args.concurrency)
        return

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        make_dataset(tmp / "ds", args.n)
        server = subprocess.Popen(
            [sys.executable, "-m", "app.models.stub_server", "--port", "0", "--latency-ms", str(args.latency_ms)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline().split()[1])
            env = {**os.environ, "OPENAI_API_KEY": "sk-stub", "OPENAI_API_BASE": f"http://127.0.0.1:{port}/v1",
                   "TAILOR_DATA_DIR": str(tmp / "data"), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}  # fmt: skip
            if args.backend == "celery":
                distributed = celery_run(args, tmp, env, port)
                floors = {
                    client: floor_run(client, port, args.n, args.concurrency, args.workers, env)
                    for client in ("openai", "litellm")
                }
            calls_before = _requests(port)  # the celery run and the floors above called it too
            cold_wall, cold = timed_worker(tmp / "ds", tmp / "cold", args.concurrency, env)
            calls_cold = _requests(port) - calls_before
            warm_wall, warm = timed_worker(tmp / "ds", tmp / "warm", args.concurrency, env)
            calls_warm = _requests(port) - calls_before - calls_cold
        finally:
            server.terminate()
            server.wait(timeout=10)

    ideal = args.n * args.latency_ms / 1000 / args.concurrency
    if args.backend == "celery":
        print(
            f"celery backend: N={args.n} cases, one model call each, L={args.latency_ms:.0f} ms, C={args.concurrency}, "
            f"W={args.workers} workers x {max(1, args.concurrency // args.workers)} threads"
        )
        span = distributed["span_s"]
        print(
            f"  first message sent to last record written {span:6.2f} s   ideal N·L/C {ideal:5.2f} s   "
            f"efficiency {ideal / span:4.2f}   model calls {distributed['calls']:.0f}   cases ok {distributed['cases']:.0f}"
        )
        print(
            f"  whole submitting process {distributed['wall_s']:6.2f} s (efficiency {ideal / distributed['wall_s']:4.2f}); "
            f"sending the {args.n} messages took {distributed['send_s']:4.2f} s"
        )
        print(
            f"  workers' CPU during the run {distributed['worker_cpu_s']:6.2f} s: "
            f"{distributed['worker_cpu_s'] / max(1, args.n) * 1000:4.1f} ms per case"
        )
        for client, span_s in floors.items():
            name = "the OpenAI client alone" if client == "openai" else "litellm alone"
            print(
                f"  floor: {name}, {args.workers} processes x {max(1, args.concurrency // args.workers)}, "
                f"same N and stub: {span_s:6.2f} s (efficiency {ideal / span_s:4.2f})"
            )
        local_span = cold["run_s"]
        print(
            f"  local backend, same run: {local_span:6.2f} s from the first case to the summary "
            f"(efficiency {ideal / local_span:4.2f}); whole process {cold_wall:6.2f} s (efficiency {ideal / cold_wall:4.2f})"
        )
    print(
        f"eval throughput: N={args.n} cases, one model call each, L={args.latency_ms:.0f} ms, C={args.concurrency}"
    )
    print(
        f"  cold run   wall {cold_wall:6.2f} s   ideal N·L/C {ideal:5.2f} s   ratio {cold_wall / ideal:4.2f}   model calls {calls_cold}"
    )
    start_s = cold_wall - cold["setup_s"] - cold["run_s"]
    first = cold["first_answer_s"]
    rest, rest_ideal = cold["run_s"] - first, ideal - args.latency_ms / 1000
    print(
        f"    interpreter + Tailor imports {start_s:5.2f} s · set-up {cold['setup_s']:4.2f} s · "
        f"to the first answer {first:4.2f} s (imports litellm and the OpenAI client, then one call)"
    )
    floor = (cold["litellm_import_s"] + ideal) / ideal
    print(
        f"    of which litellm's import {cold['litellm_import_s']:4.2f} s: every call goes through litellm, so no "
        f"cold run here can beat ratio {floor:4.2f}"
    )
    print(
        f"    the remaining cases {rest:5.2f} s for an ideal {rest_ideal:5.2f} s: ratio {rest / rest_ideal:4.2f} once started"
    )
    print(
        f"  warm run   wall {warm_wall:6.2f} s   model calls {calls_warm}   cache hits {warm['cache_hits']}"
    )


if __name__ == "__main__":
    main()
