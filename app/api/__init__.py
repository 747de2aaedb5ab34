"""The serving API and web page (`tailor serve`): FastAPI over the tailoring service, serving only
the pipeline version the `production` alias points to. See docs/api.md."""

from app.api.app import create_app

__all__ = ["create_app"]
