#!/usr/bin/env bash
# Prints the pipeline the regression gate should test, on one line:
#   1. $TAILOR_CANDIDATE when set;
#   2. else the label of the pipeline manifest added or changed under prompt_registry/pipelines/
#      between the merge base with $GATE_BASE_REF (default origin/main) and HEAD; with several,
#      the newest by file name (version order: v10 after v9);
#   3. else `production`: a code-only change gates production's pipeline under the new code.
# Which one it chose, and why, goes to stderr. Exit 2 when the base cannot be resolved.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n "${TAILOR_CANDIDATE:-}" ]]; then
  echo "candidate: $TAILOR_CANDIDATE (from TAILOR_CANDIDATE)" >&2
  echo "$TAILOR_CANDIDATE"
  exit 0
fi

base_ref="${GATE_BASE_REF:-origin/main}"
if ! merge_base="$(git merge-base "$base_ref" HEAD 2>/dev/null)"; then
  echo "candidate: no merge base between '$base_ref' and HEAD (fetch it with fetch-depth 0, or set TAILOR_CANDIDATE)" >&2
  exit 2
fi

manifests_dir="prompt_registry/pipelines"
# Added, copied, modified or renamed manifests; a deleted one is no candidate.
changed="$(git diff --name-only --diff-filter=ACMR "$merge_base" HEAD -- \
  "$manifests_dir/*.yaml" "$manifests_dir/*.yml" | sort -V)"

if [[ -z "$changed" ]]; then
  echo "candidate: production (no pipeline manifest changed since $base_ref; gating production's pipeline under this code)" >&2
  echo "production"
  exit 0
fi

chosen="$(tail -n 1 <<<"$changed")"
label="$(sed -n -E "s/^label:[[:space:]]*['\"]?([^'\"#[:space:]]+).*/\1/p" "$chosen" | head -n 1)"
if [[ -z "$label" ]]; then
  label="$(basename "${chosen%.*}")"  # a manifest without a label is known by its file name
fi
count="$(wc -l <<<"$changed" | tr -d ' ')"
if [[ "$count" -gt 1 ]]; then
  echo "candidate: $label from $chosen, the newest of $count changed manifests: $(tr '\n' ' ' <<<"$changed")" >&2
else
  echo "candidate: $label from $chosen (changed since $base_ref)" >&2
fi
echo "$label"
