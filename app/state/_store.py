"""`StateStore`: aliases, judge calibrations, the run index, verdicts and the audit log in one database.

`open_state(url)` gives one store (one engine) per URL per process, migrated on first open.
"""

from __future__ import annotations

import os
import threading

from app.state._aliases import AliasesMixin
from app.state._audit import AuditMixin
from app.state._calibrations import CalibrationsMixin
from app.state._dead_letter import DeadLetterMixin
from app.state._engine import create_state_engine, migrate, normalize_url
from app.state._feedback import FeedbackMixin
from app.state._jobs import JobsMixin
from app.state._keys import KeysMixin
from app.state._run_cases import RunCasesMixin
from app.state._runs import RunsMixin
from app.state._verdicts import VerdictsMixin


class StateStore(
    AliasesMixin, CalibrationsMixin, RunsMixin, VerdictsMixin, AuditMixin, JobsMixin, FeedbackMixin, KeysMixin,
    DeadLetterMixin, RunCasesMixin,
):
    """Use `open_state(url)`; the constructor neither caches nor migrates."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self._engine = create_state_engine(self.url)

    def close(self) -> None:
        """Release pooled connections. The store stays usable: the next call connects again."""
        self._engine.dispose()

    def __repr__(self) -> str:
        return f"StateStore({self._engine.url.render_as_string(hide_password=True)!r})"


_stores: dict[str, StateStore] = {}
_stores_lock = threading.Lock()


def open_state(url: str) -> StateStore:
    """The store at `url` (sqlite:///…, postgresql://…, postgresql+psycopg://…), migrated to the newest schema."""
    key = normalize_url(url)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            migrate(key)
            store = _stores[key] = StateStore(key)
        return store


def _forget_inherited_pools() -> None:
    """A forked child must not reuse its parent's pooled connections (SQLAlchemy's documented recipe)."""
    global _stores_lock
    _stores_lock = threading.Lock()  # another thread of the parent may have held it at the fork
    for store in _stores.values():
        store.engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_pools)
