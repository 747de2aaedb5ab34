"""Model calls per verdict, sequential gate against fixed, on the shipped regressions (ci/regressions/).

    python bench/gate_cost.py [--dataset golden:smoke] [--batch 2] [--looks 3] [--only NAME,...]

Runs on the product's real path (`run_gate`, the local model, the response cache) in a data folder
of its own. For each candidate it runs the fixed gate (every case), then the sequential gate
(batches in a fixed random order, stopping once every blocking metric is settled), and prints the
cases each needed and the model calls a cold cache would have made for them: the sum of the
pipeline's calls over the cases each verdict used, baseline and candidate. The fixed run fills the
cache, so the sequential run's wall time is not comparable; its call count is.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _calls(folder: Path, ids: set[str]) -> int:
    from evals.runner import read_records

    return sum(int(r.usage.get("calls", 0) or 0) for r in read_records(folder / "cases.jsonl") if r.case_id in ids)


def _policy(batch: int, looks: int, folder: Path) -> Path:
    import yaml

    data = yaml.safe_load((ROOT / "ci" / "gate_policy.yaml").read_text(encoding="utf-8"))
    data["sequential"] = {**data.get("sequential", {}), "batch_size": batch, "max_looks": looks}
    path = folder / "policy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="golden:smoke")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--looks", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gate-cost-"))
    os.environ["TAILOR_DATA_DIR"] = str(work / "data")
    from app.settings import reset_settings

    reset_settings()
    from evals.gate import GateRequest, run_gate

    policy = _policy(args.batch, args.looks, work)
    names = [n for n in args.only.split(",") if n] or sorted(p.stem for p in (ROOT / "ci/regressions").glob("*.yaml"))
    print(f"dataset {args.dataset} · sequential batches of {args.batch}, at most {args.looks} looks · {work}")
    print(f"{'candidate':16} {'verdict':8} {'fixed cases':>11} {'calls':>6}   {'seq cases':>9} {'calls':>6} {'looks':>5}  blocked on")
    totals = [0, 0]
    for name in names:
        row = []
        for sequential in (False, True):
            request = GateRequest(
                candidate=str(ROOT / "ci" / "regressions" / f"{name}.yaml"),
                dataset=args.dataset,
                policy=policy,
                sequential=sequential,
                track=False,
                out=work / "gates" / f"{name}-{'seq' if sequential else 'fixed'}",
            )
            started = time.perf_counter()
            outcome = asyncio.run(run_gate(request))
            verdict = outcome.verdict
            ids = set(outcome.case_ids)
            calls = _calls(outcome.candidate.folder, ids) + _calls(outcome.baseline.folder, ids)
            row.append((verdict, calls, time.perf_counter() - started))
        (fixed, fixed_calls, _), (seq, seq_calls, _) = row
        totals[0] += fixed_calls
        totals[1] += seq_calls
        blocked = ", ".join(sorted({r.split(":")[0] for r in seq.blocking_reasons})) or "–"
        print(
            f"{name:16} {'pass' if fixed.passed else 'FAIL':8} {fixed.cases_used:>11} {fixed_calls:>6}   "
            f"{seq.cases_used:>9} {seq_calls:>6} {seq.looks:>5}  {blocked}"
            + ("" if fixed.passed == seq.passed else "  (sequential verdict differs!)")
        )
    saved = 1 - totals[1] / totals[0] if totals[0] else 0.0
    print(f"{'all':16} {'':8} {'':>11} {totals[0]:>6}   {'':>9} {totals[1]:>6}        sequential saves {saved:.0%}")


if __name__ == "__main__":
    main()
