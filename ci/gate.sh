#!/usr/bin/env bash
# Runs the regression gate: the candidate pipeline (ci/candidate.sh) against production on the
# golden cases. Exits with the gate's own code: 0 pass, 1 fail, 2 error.
# With OPENAI_API_KEY set it runs on a hosted model (TAILOR_GATE_MODEL, default
# openai/gpt-4o-mini); otherwise on the local model. Appends report.md to $GITHUB_STEP_SUMMARY.
set -euo pipefail
cd "$(dirname "$0")/.."

TAILOR="${TAILOR:-.venv/bin/tailor}"
out="${GATE_OUT:-data/gate}"
dataset="${GATE_DATASET:-golden:core}"
if [[ -z "${TAILOR_STATE_URL:-}" ]]; then
  unset TAILOR_STATE_URL  # an unset secret arrives empty; empty means the default local store
fi

candidate="$(ci/candidate.sh)"
args=(gate --candidate "$candidate" --baseline production --dataset "$dataset" --out "$out")
if [[ -n "${OPENAI_API_KEY:-}" ]]; then
  model="${TAILOR_GATE_MODEL:-openai/gpt-4o-mini}"
  args+=(--model "$model")
  echo "gate: $candidate vs production on $dataset, hosted model $model (OPENAI_API_KEY is set)"
else
  echo "gate: $candidate vs production on $dataset, local model (OPENAI_API_KEY is not set)"
fi

code=0
"$TAILOR" "${args[@]}" || code=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  if [[ -f "$out/report.md" ]]; then
    cat "$out/report.md" >>"$GITHUB_STEP_SUMMARY"
  else
    echo "The regression gate wrote no report (exit $code); see the job log." >>"$GITHUB_STEP_SUMMARY"
  fi
fi
exit "$code"
