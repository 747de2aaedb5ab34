"""Heavy libraries load with the cyclic GC paused, then frozen; the collector is always back on."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import heavy


@pytest.fixture
def fake_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module that records, while it is imported, whether the collector was running."""
    name = f"tailor_fake_heavy_{id(tmp_path)}"
    (tmp_path / f"{name}.py").write_text(
        "import gc, time\ngc_enabled_during_import = gc.isenabled()\ntime.sleep(0.05)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_first_import_runs_with_the_gc_paused_and_freezes_what_it_built(fake_library: str) -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    module = heavy.load(fake_library)
    assert module.gc_enabled_during_import is False
    assert gc.isenabled(), "the collector must be back on after the import"
    assert gc.get_freeze_count() > frozen_before
    assert heavy.load_seconds[fake_library] >= 0.05


def test_a_loaded_module_is_returned_as_is_without_timing_it_again(fake_library: str) -> None:
    first = heavy.load(fake_library)
    recorded = heavy.load_seconds[fake_library]
    assert heavy.load(fake_library) is first
    assert heavy.load_seconds[fake_library] == recorded


def test_concurrent_first_loads_import_once_and_see_a_finished_module(fake_library: str) -> None:
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(heavy.load(fake_library))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in seen}) == 1
    assert all(hasattr(m, "gc_enabled_during_import") for m in seen), "a half-initialised module leaked"


def test_a_failed_import_turns_the_collector_back_on() -> None:
    with pytest.raises(ImportError):
        heavy.load("tailor_no_such_library_anywhere")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(fake_library: str) -> None:
    gc.disable()
    try:
        heavy.load(fake_library)
        assert not gc.isenabled()
    finally:
        gc.enable()
