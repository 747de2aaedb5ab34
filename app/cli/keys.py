"""`tailor keys create|list|revoke`: the serving API's keys, stored hashed in the state store."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

app = typer.Typer(help="API keys for `tailor serve` (roles: client, operator, admin).", no_args_is_help=True)


class RoleName(StrEnum):
    client = "client"
    operator = "operator"
    admin = "admin"


@app.command()
def create(
    role: Annotated[RoleName, typer.Option(help="client: tailor and rate; operator: also every job and /metrics; admin: also promote and roll back.")],
    name: Annotated[str, typer.Option(help="Who or what uses the key (shown in `keys list` and the audit log).")],
    rate_per_minute: Annotated[
        float | None, typer.Option(min=0.001, help="This key's rate limit (default TAILOR_API_RATE_PER_MINUTE).")
    ] = None,
    burst: Annotated[int | None, typer.Option(min=1, help="Requests it may make at once (default TAILOR_API_RATE_BURST).")] = None,
) -> None:
    """Create a key and print it once: only its salted hash is stored.

    From then on the API needs a key on /v1 (revoking keys never opens it again)."""
    from app.registry import current_actor
    from app.settings import get_settings
    from app.state import open_state

    made = open_state(get_settings().state).create_api_key(
        name=name, role=role.value, who=current_actor(), rate_per_minute=rate_per_minute, rate_burst=burst
    )
    typer.echo(made.key)
    typer.echo(
        f"key {made.entry.id} ({made.entry.role}, {made.entry.name}) created; this is the only time it is shown",
        err=True,
    )


@app.command("list")
def list_keys() -> None:
    """Every key: id, role, name, rate, created, revoked. Never the key."""
    from app.settings import get_settings
    from app.state import open_state

    keys = open_state(get_settings().state).list_api_keys()
    if not keys:
        typer.echo("no keys: /v1 is open (unless TAILOR_API_KEYS or TAILOR_API_REQUIRE_KEYS is set)")
        return
    for key in keys:
        rate = f"{key.rate_per_minute:g}/min" if key.rate_per_minute else "default rate"
        if key.rate_burst:
            rate += f", burst {key.rate_burst}"
        state = f"revoked {_when(key.revoked_at)} by {key.revoked_by}" if key.revoked_at else "active"
        typer.echo(f"{key.id}  {key.role:<8}  {key.name}  ({rate}; created {_when(key.created_at)} by {key.created_by}; {state})")


@app.command()
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (from `tailor keys list`).")]) -> None:
    """Revoke a key: servers refuse it within TAILOR_API_KEY_CACHE_S (2 s)."""
    from app.errors import NotFoundError
    from app.registry import current_actor
    from app.settings import get_settings
    from app.state import open_state

    entry = open_state(get_settings().state).revoke_api_key(key_id.strip(), who=current_actor())
    if entry is None:
        raise NotFoundError(f"no API key {key_id!r}: see `tailor keys list`")
    typer.echo(f"key {entry.id} ({entry.role}, {entry.name}) revoked")


def _when(at: float | None) -> str:
    return datetime.fromtimestamp(at or 0, UTC).strftime("%Y-%m-%d %H:%M UTC")
