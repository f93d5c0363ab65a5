"""The Jinja2 environment of the pages, with the translation function and language."""

from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from service.web.i18n import request_language, translate

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200):
    """Render template ``name`` in the request's language (autoescaped: sources' text is untrusted)."""
    language = request_language(request)
    page = templates.TemplateResponse(
        request,
        name,
        {
            "lang": language,
            "other_lang": "en" if language == "zh" else "zh",
            "t": lambda key: translate(key, language),
            "today": date.today(),
            **(context or {}),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") == language:
        page.set_cookie("lang", language, max_age=365 * 86400, samesite="lax")
    return page
