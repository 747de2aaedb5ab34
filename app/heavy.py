"""Loading the heavy libraries (litellm, crewai, mlflow, ragas) cheaply, on first use.

`import litellm` creates about 300,000 objects, and CPython's cyclic collector walks the growing heap
hundreds of times while it does; every later full collection walks it again, and so does the final
one at exit (about 1 s here). None of those objects is garbage: a library's modules live as long as
the process. So the first import of a heavy library runs with the collector paused, and what it built
is then frozen out of every later collection (`gc.freeze`). Measured on `import litellm` as a whole
process, exit included: 4.7 s -> 2.6 s (median of 7 runs), the same peak memory.

    litellm = load("litellm")
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading
import time
from types import ModuleType

_lock = threading.RLock()
load_seconds: dict[str, float] = {}  # what each first import cost, for benchmarks and diagnostics


def load(name: str) -> ModuleType:
    """The module `name`, imported on first use with the cyclic GC paused, then frozen."""
    module = _imported(name)
    if module is not None:
        return module
    with _lock:  # one heavy import at a time: the pause and the freeze are process-wide
        module = _imported(name)
        if module is not None:  # another thread imported it meanwhile
            return module
        started = time.perf_counter()
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return importlib.import_module(name)
        finally:
            load_seconds[name] = time.perf_counter() - started
            gc.freeze()  # what the import built lives for the process: keep it out of collections
            if was_enabled:
                gc.enable()


def _imported(name: str) -> ModuleType | None:
    """The module if its import has finished (a module still initialising is in sys.modules too)."""
    module = sys.modules.get(name)
    if module is None or getattr(getattr(module, "__spec__", None), "_initializing", False):
        return None
    return module
