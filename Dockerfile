# syntax=docker/dockerfile:1
# Tailor's serving image: `tailor serve` (API and web page) or, with another command, `tailor worker`.
# Two stages: the build stage compiles llama-cpp-python portably (GGML_NATIVE=OFF: the native build
# segfaults on AVX-512/AMX hosts) and installs everything into a venv; the runtime stage gets that
# venv, the project data (prompt registry, golden sets), WeasyPrint's libraries, and no compiler.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install -U pip \
 && pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install "llama-cpp-python>=0.3.16"
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY evals ./evals
RUN pip install .

FROM python:3.11-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --user-group tailor \
 && mkdir -p /data \
 && chown tailor:tailor /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/tailor
COPY --chown=root:root prompt_registry ./prompt_registry
COPY --chown=root:root golden ./golden
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TAILOR_HOME=/srv/tailor \
    TAILOR_DATA_DIR=/data \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    CREWAI_DISABLE_TELEMETRY=true \
    CREWAI_DISABLE_TRACKING=true \
    CREWAI_DISABLE_VERSION_CHECK=true \
    MLFLOW_DISABLE_TELEMETRY=true \
    HF_HUB_OFFLINE=1
USER tailor
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["tailor", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
