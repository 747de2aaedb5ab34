"""GET /: the web page (Jinja2 and a little plain JS, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.deps import Context

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"
templates = Jinja2Templates(directory=TEMPLATES)

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def page(request: Request, context: Context) -> HTMLResponse:
    served = context.served.peek()
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "served": served.body() if served else None,
            "alias": context.served.alias,
            "needs_key": await context.keys.required(),
            "max_resume": context.settings.max_resume_bytes,
            "max_jd": context.settings.max_jd_bytes,
        },
    )
