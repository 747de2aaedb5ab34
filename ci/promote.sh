#!/usr/bin/env bash
# After a merge to main: moves the `production` alias to the pipeline the merged change introduced
# (ci/candidate.sh, diffed against GATE_BASE_REF, the commit before the push). `tailor promote`
# refuses, in one line and exit 1, unless the shared state store holds a passing gate verdict for
# exactly that pipeline against current production. Nothing to do for a code-only change.
set -euo pipefail
cd "$(dirname "$0")/.."

TAILOR="${TAILOR:-.venv/bin/tailor}"
dataset="${GATE_DATASET:-golden:core}"

candidate="$(ci/candidate.sh)"
if [[ "$candidate" == "production" ]]; then
  echo "promote: no pipeline manifest changed; production stays where it is"
  exit 0
fi

if [[ -z "${TAILOR_STATE_URL:-}" ]]; then
  echo "promote: TAILOR_STATE_URL is not set; promotion needs the state store shared by CI and servers (repository secret or variable TAILOR_STATE_URL)" >&2
  exit 2
fi

echo "promote: $candidate to production (verdict on $dataset)"
exec "$TAILOR" promote "$candidate" --to production --dataset "$dataset"
