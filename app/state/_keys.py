"""API keys of the serving API, stored hashed, each with a role.

A key reads `tlr_<id>_<secret>`: the id (12 hex) is public and finds the row in one indexed read;
the secret (32 random bytes, url-safe base64) is stored only as sha256(salt + secret) with a salt
of its own, and compared in constant time. A fast hash is enough here because the secret is 256
random bits, not a password: nobody can guess it, with or without the hash, and a slow hash
(scrypt) would cost every request tens of milliseconds. The key itself is shown once, at creation.

Roles are ordered: `client` (tailor, its own jobs, feedback) < `operator` (also every job and the
metrics) < `admin` (also promote and roll back). A key may carry its own rate limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from typing import Final, Literal

from pydantic import BaseModel
from sqlalchemy import Column, Float, Integer, RowMapping, String, Table, func, insert, select, update

from app.errors import InputError
from app.state._audit import insert_audit
from app.state._base import StoreBase
from app.state._schema import metadata

Role = Literal["client", "operator", "admin"]
ROLES: Final = ("client", "operator", "admin")  # each role may do what the ones before it may
KEY_PREFIX: Final = "tlr"
_KEY_RE = re.compile(rf"^{KEY_PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{20,100}})$")

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("salt", String, nullable=False),
    Column("secret_hash", String, nullable=False),
    Column("rate_per_minute", Float),
    Column("rate_burst", Integer),
    Column("created_at", Float, nullable=False),
    Column("created_by", String, nullable=False),
    Column("revoked_at", Float),
    Column("revoked_by", String),
)


def role_allows(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may (roles are ordered client < operator < admin)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class ApiKeyEntry(BaseModel):
    """A stored key, without its secret (the store never holds it)."""

    id: str
    name: str
    role: Role
    rate_per_minute: float | None = None
    rate_burst: int | None = None
    created_at: float
    created_by: str
    revoked_at: float | None = None
    revoked_by: str | None = None

    @property
    def client(self) -> str:
        """How jobs, logs and metrics name this key's owner (never the key)."""
        return f"key-{self.id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class NewApiKey(BaseModel):
    """What `create_api_key` returns: the stored entry and the key, which is never shown again."""

    entry: ApiKeyEntry
    key: str


def split_key(key: str) -> tuple[str, str] | None:
    """`tlr_<id>_<secret>` -> (id, secret); None when it does not look like a Tailor key."""
    match = _KEY_RE.match(key.strip())
    return (match.group(1), match.group(2)) if match else None


def _hash_secret(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


class KeysMixin(StoreBase):
    def create_api_key(
        self,
        *,
        name: str,
        role: str,
        who: str,
        rate_per_minute: float | None = None,
        rate_burst: int | None = None,
    ) -> NewApiKey:
        """A new key with this role; audited (`api_key.create`, without the key)."""
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        name = " ".join(name.split())
        if not name or len(name) > 100:
            raise InputError("a key needs a name of 1-100 characters (who or what uses it)")
        if rate_per_minute is not None and rate_per_minute <= 0:
            raise InputError("rate_per_minute must be positive")
        if rate_burst is not None and rate_burst < 1:
            raise InputError("rate_burst must be at least 1")
        key_id = secrets.token_hex(6)
        secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        salt = secrets.token_hex(16)
        now = time.time()
        values = {
            "id": key_id, "name": name, "role": role, "salt": salt, "secret_hash": _hash_secret(salt, secret),
            "rate_per_minute": rate_per_minute, "rate_burst": rate_burst, "created_at": now, "created_by": who,
        }  # fmt: skip
        with self._write() as connection:
            connection.execute(insert(api_keys).values(**values))
            insert_audit(connection, who=who, action="api_key.create", subject=key_id, details={"name": name, "role": role})
        entry = self.get_api_key(key_id)
        assert entry is not None
        return NewApiKey(entry=entry, key=f"{KEY_PREFIX}_{key_id}_{secret}")

    def verify_api_key(self, key: str) -> ApiKeyEntry | None:
        """The active key this string is, or None (malformed, unknown, wrong secret, revoked)."""
        parts = split_key(key)
        if parts is None:
            return None
        key_id, secret = parts
        with self._read() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
        if row is None or row["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(_hash_secret(row["salt"], secret), row["secret_hash"]):
            return None
        return _entry(row)

    def get_api_key(self, key_id: str) -> ApiKeyEntry | None:
        with self._read() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
        return _entry(row) if row else None

    def list_api_keys(self, *, include_revoked: bool = True) -> list[ApiKeyEntry]:
        """Oldest first."""
        query = select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
        if not include_revoked:
            query = query.where(api_keys.c.revoked_at.is_(None))
        with self._read() as connection:
            return [_entry(row) for row in connection.execute(query).mappings().all()]

    def count_api_keys(self) -> int:
        """Every key ever created, revoked ones included: once keys exist, the API stays closed."""
        with self._read() as connection:
            return int(connection.execute(select(func.count()).select_from(api_keys)).scalar_one())

    def revoke_api_key(self, key_id: str, *, who: str) -> ApiKeyEntry | None:
        """Revoke (idempotent); audited. None when there is no such key."""
        with self._write() as connection:
            done = connection.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=time.time(), revoked_by=who)
            ).rowcount
            if done:
                insert_audit(connection, who=who, action="api_key.revoke", subject=key_id, details={})
        return self.get_api_key(key_id)


def _entry(row: RowMapping) -> ApiKeyEntry:
    return ApiKeyEntry.model_validate({k: v for k, v in dict(row).items() if k not in ("salt", "secret_hash")})
