"""The tailoring service: from user files, text or bytes to a tailored result. The CLI, the serving
API and the evaluation harness all resolve pipelines, build model clients and run tailorings here.

Other packages import from `app.services`.
"""

from app.services.tailoring import TailorInputs, make_client, read_inputs, resolve_pipeline, run_tailoring
from app.services.text_inputs import inputs_from_bytes, inputs_from_text

__all__ = [
    "TailorInputs",
    "inputs_from_bytes",
    "inputs_from_text",
    "make_client",
    "read_inputs",
    "resolve_pipeline",
    "run_tailoring",
]
