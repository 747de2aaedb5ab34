"""`tailor cache ...`: the LLM response cache (SQLite file, Redis or PostgreSQL: `TAILOR_CACHE_URL`)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The LLM response cache (content-addressed; SQLite, Redis or PostgreSQL by TAILOR_CACHE_URL).",
    no_args_is_help=True,
)


@app.command()
def stats() -> None:
    """Where the cache is and how many completions it holds."""
    from app.models import ResponseCache, cache_location
    from app.settings import get_settings

    settings = get_settings()
    with ResponseCache(cache_location(settings)) as cache:
        entries = cache.stats()["entries"]
        where = cache.location
    state = "on" if settings.cache_enabled else "off (TAILOR_CACHE_ENABLED=false)"
    typer.echo(f"{where}: {entries} completions; cache {state}")


@app.command()
def clear() -> None:
    """Delete every cached completion (the next run calls the models again)."""
    from app.models import ResponseCache, cache_location
    from app.settings import get_settings

    with ResponseCache(cache_location(get_settings())) as cache:
        removed = cache.clear()
    typer.echo(f"removed {removed} cached completion(s)")
