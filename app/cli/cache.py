"""`tailor cache ...`: the on-disk LLM response cache."""

from __future__ import annotations

import typer

app = typer.Typer(help="The LLM response cache (content-addressed, SQLite).", no_args_is_help=True)


@app.command()
def stats() -> None:
    """Where the cache is and how many completions it holds."""
    from app.models import ResponseCache
    from app.settings import get_settings

    settings = get_settings()
    cache = ResponseCache(settings.cache_file)
    state = "on" if settings.cache_enabled else "off (TAILOR_CACHE_ENABLED=false)"
    typer.echo(f"{settings.cache_file}: {cache.stats()['entries']} completions; cache {state}")


@app.command()
def clear() -> None:
    """Delete every cached completion (the next run calls the models again)."""
    from app.models import ResponseCache
    from app.settings import get_settings

    removed = ResponseCache(get_settings().cache_file).clear()
    typer.echo(f"removed {removed} cached completion(s)")
