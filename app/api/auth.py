"""Who is calling: API keys from the state store (hashed, with roles; `tailor keys`), plus two settings
kept as simple fallbacks: `TAILOR_API_KEYS` (client keys) and `TAILOR_API_ADMIN_TOKEN` (an admin).

Keys are required on /v1 once any exists in the store (revoked ones count, so revoking the last key
never opens the API), when `TAILOR_API_KEYS` is set, or with `TAILOR_API_REQUIRE_KEYS`. Until then
/v1 and /metrics are open and only the admin routes need a credential.

A checked key is trusted for `api_key_cache_s` (2 s): a revocation takes effect within that time,
and a request costs no database read while it is fresh. Unknown keys are remembered as briefly.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from dataclasses import dataclass

from app.settings import TailorSettings
from app.state import ApiKeyEntry, Role, StateStore, role_allows

ADMIN_TOKEN_CLIENT = "api-admin"
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class Caller:
    """The caller of one request. `client` names it in jobs, logs and metrics (never its key)."""

    client: str
    role: Role
    who: str  # for the audit log: the key's id and name
    authenticated: bool
    rate_per_minute: float | None = None
    rate_burst: int | None = None

    def may(self, role: Role) -> bool:
        return role_allows(self.role, role)

    def may_read(self, job_client: str) -> bool:
        """Its own jobs; every job for operators and admins, and for everyone while /v1 is open."""
        return not self.authenticated or self.may("operator") or job_client == self.client


def anonymous(host: str) -> Caller:
    return Caller(client=f"anonymous:{host}", role="client", who=f"anonymous:{host}", authenticated=False)


def settings_client_id(key: str) -> str:
    """How a TAILOR_API_KEYS key is named: a hash prefix, never the key."""
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:12]


class KeyRing:
    def __init__(self, store: StateStore, settings: TailorSettings) -> None:
        self.store = store
        self.ttl_s = settings.api_key_cache_s
        self.always_required = settings.api_require_keys
        self.admin_token = settings.api_admin_token or None
        self.settings_keys = [k.strip() for k in settings.api_keys.split(",") if k.strip()]
        self._checked: dict[str, tuple[float, Caller | None]] = {}
        self._store_has_keys: tuple[float, bool] = (0.0, False)

    def invalidate(self) -> None:
        self._checked.clear()
        self._store_has_keys = (0.0, False)

    async def required(self) -> bool:
        """Whether /v1 needs a key: forced by setting, settings keys, or any key in the store."""
        if self.always_required or self.settings_keys:
            return True
        checked_at, has_keys = self._store_has_keys
        if time.monotonic() - checked_at >= self.ttl_s:
            has_keys = await asyncio.to_thread(self.store.count_api_keys) > 0
            self._store_has_keys = (time.monotonic(), has_keys)
        return has_keys

    async def admin_possible(self) -> bool:
        """Whether any credential could be an admin one (else the admin routes are off: 403)."""
        return self.admin_token is not None or await self.required()

    async def identify(self, credential: str) -> Caller | None:
        """The caller this credential is, or None when it is no valid key."""
        if self.admin_token and hmac.compare_digest(credential.encode(), self.admin_token.encode()):
            return Caller(client=ADMIN_TOKEN_CLIENT, role="admin", who=ADMIN_TOKEN_CLIENT, authenticated=True)
        for key in self.settings_keys:
            if hmac.compare_digest(credential.encode(), key.encode()):
                client = settings_client_id(key)
                return Caller(client=client, role="client", who=client, authenticated=True)
        digest = hashlib.sha256(credential.encode()).hexdigest()  # the cache holds no key either
        cached = self._checked.get(digest)
        if cached is not None and time.monotonic() - cached[0] < self.ttl_s:
            return cached[1]
        entry = await asyncio.to_thread(self.store.verify_api_key, credential)
        caller = _from_entry(entry) if entry is not None else None
        if len(self._checked) >= _CACHE_LIMIT:
            self._checked.clear()
        self._checked[digest] = (time.monotonic(), caller)
        return caller


def _from_entry(entry: ApiKeyEntry) -> Caller:
    return Caller(
        client=entry.client,
        role=entry.role,
        who=f"{entry.client}:{entry.name}",
        authenticated=True,
        rate_per_minute=entry.rate_per_minute,
        rate_burst=entry.rate_burst,
    )
