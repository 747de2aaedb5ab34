"""The pipeline's tokens per second on the local model, beside raw llama-cpp-python on the same prompts.

    python bench/local_model.py [--resume FILE] [--jd FILE] [--pipeline production]

Two processes, each timed whole (interpreter start and imports included):
  1. the Tailor pipeline on one resume and JD, cache off, recording every request it sends;
  2. raw llama-cpp-python replaying exactly those requests with the same parameters.
Both report generated tokens over model time (the generation rate) and over the whole process.
At temperature 0 the two must produce the same text; the bench says whether they did.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pipeline_phase(resume: str, jd: str, pipeline: str, out: str) -> None:
    from app.models import ChatRequest, Completion, ModelClient
    from app.services import read_inputs, resolve_pipeline, run_tailoring

    sent: list[dict[str, Any]] = []

    class RecordingClient(ModelClient):
        async def acomplete(self, request: ChatRequest, *, agent: str) -> Completion:
            completion = await super().acomplete(request, agent=agent)
            sent.append({"request": request.model_dump(mode="json"), "text": completion.text,
                         "input_tokens": completion.record.input_tokens,
                         "output_tokens": completion.record.output_tokens})  # fmt: skip
            return completion

    chosen = resolve_pipeline(pipeline)
    inputs = read_inputs(Path(resume), Path(jd))
    first = asyncio.run(run_tailoring(inputs, chosen, RecordingClient(cache=None)))  # pays the imports
    calls = list(sent)
    sent.clear()
    warm = asyncio.run(run_tailoring(inputs, chosen, RecordingClient(cache=None)))  # same work, warmed up
    Path(out).write_text(json.dumps({"calls": calls, "latency_ms": first.latency_ms,
                                     "warm_latency_ms": warm.latency_ms, "label": chosen.label}))  # fmt: skip


def raw_phase(calls_file: str, out: str) -> None:
    from llama_cpp import Llama

    from app.models import gguf_path
    from app.settings import get_settings

    settings = get_settings()
    calls = json.loads(Path(calls_file).read_text())["calls"]
    llm = Llama(model_path=str(gguf_path("smollm2")), n_ctx=settings.local_context,
                n_threads=settings.local_threads, seed=settings.local_seed, verbose=False)  # fmt: skip
    replayed = []
    for call in calls:
        req, p = call["request"], call["request"]["params"]
        kwargs: dict[str, Any] = {"temperature": p["temperature"], "top_p": p["top_p"], "max_tokens": p["max_tokens"],
                                  "repeat_penalty": p["repeat_penalty"], "seed": p["seed"]}  # fmt: skip
        if p["stop"]:
            kwargs["stop"] = list(p["stop"])
        if req.get("json_schema"):
            kwargs["response_format"] = {"type": "json_object", "schema": req["json_schema"]}
        llm.reset()
        started = time.perf_counter()
        done = llm.create_chat_completion(messages=req["messages"], **kwargs)
        replayed.append({"seconds": time.perf_counter() - started, "text": done["choices"][0]["message"]["content"],
                         "input_tokens": done["usage"]["prompt_tokens"],
                         "output_tokens": done["usage"]["completion_tokens"]})  # fmt: skip
    llm.close()
    Path(out).write_text(json.dumps(replayed))


def _timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"phase failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resume", default=str(ROOT / "golden" / "samples" / "resume.md"))
    parser.add_argument("--jd", default=str(ROOT / "golden" / "samples" / "job.txt"))
    parser.add_argument("--pipeline", default="production")
    parser.add_argument("--phase", choices=["pipeline", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--io", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "pipeline":
        pipeline_phase(args.resume, args.jd, args.pipeline, args.io[1])
        return
    if args.phase == "raw":
        raw_phase(args.io[0], args.io[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        calls_file, raw_file = f"{tmp}/calls.json", f"{tmp}/raw.json"
        pipe_wall = _timed(["--phase", "pipeline", "--resume", args.resume, "--jd", args.jd,
                            "--pipeline", args.pipeline, "--io", "-", calls_file])  # fmt: skip
        raw_wall = _timed(["--phase", "raw", "--io", calls_file, raw_file])
        pipe = json.loads(Path(calls_file).read_text())
        raw = json.loads(Path(raw_file).read_text())
    calls = pipe["calls"]
    p_in, p_out = sum(c["input_tokens"] for c in calls), sum(c["output_tokens"] for c in calls)
    r_in, r_out = sum(c["input_tokens"] for c in raw), sum(c["output_tokens"] for c in raw)
    p_time, r_time = pipe["latency_ms"] / 1000, sum(c["seconds"] for c in raw)
    same = sum(a["text"] == b["text"] for a, b in zip(calls, raw, strict=True))
    print(f"local model: {pipe['label']} on {Path(args.resume).name}: {len(calls)} calls, "
          f"{p_in} prompt + {p_out} generated tokens; the same requests replayed raw")  # fmt: skip
    head = f"  {'':27s}{'seconds':>9s}{'gen tok/s':>11s}{'all tok/s':>11s}{'process s':>11s}{'gen tok/s whole':>17s}"
    print(head)
    warm = pipe["warm_latency_ms"] / 1000
    rows = (("Tailor pipeline, first run", p_time, p_in, p_out, pipe_wall),
            ("Tailor pipeline, warmed", warm, p_in, p_out, pipe_wall),
            ("raw llama-cpp-python", r_time, r_in, r_out, raw_wall))  # fmt: skip
    for name, secs, n_in, n_out, wall in rows:
        print(
            f"  {name:27s}{secs:9.2f}{n_out / secs:11.1f}{(n_in + n_out) / secs:11.1f}{wall:11.2f}{n_out / wall:17.1f}"
        )
    print(
        "  seconds: the pipeline's end-to-end latency in process (the first run imports crewai and litellm,"
    )
    print(
        "  ~6 s here; the warmed run repeats the same work) vs the raw calls alone. process s: whole process,"
    )
    print("  interpreter start included (the pipeline process runs the resume twice).")
    print(f"  identical outputs: {same}/{len(calls)}")


if __name__ == "__main__":
    main()
