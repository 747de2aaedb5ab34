#!/usr/bin/env bash
# Integrity checks CI runs before the tests: released prompts and pipelines are unchanged, and
# every golden case is valid and consistent (facts occur in their resumes, references are faithful).
set -euo pipefail
cd "$(dirname "$0")/.."
TAILOR="${TAILOR:-.venv/bin/tailor}"
"$TAILOR" prompts check
"$TAILOR" datasets check golden
