"""The Jinja2 environment of the pages, with the translation function, the language, the
signed-in user, the CSRF token of the forms and the names of codes and reasons in the language."""

from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from alerts import labels
from nlp.hs_names import chapter_label
from nlp.reasons import localise
from service.security import can
from service.web import deps
from service.web.i18n import messages, request_language, translate

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _lang_url(request: Request, language: str) -> str:
    """This page's address in ``language``, keeping its other query parameters."""
    url = request.url.remove_query_params(["lang", "done"]).include_query_params(lang=language)
    return f"{url.path}?{url.query}"


def _flash(request: Request, language: str) -> str | None:
    """The message of ``?done=KEY`` after a form redirected back (known keys only)."""
    done = request.query_params.get("done")
    return translate(f"done_{done}", language) if done and f"done_{done}" in messages() else None


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
            "user": deps.current_user(request),
            "can": lambda permission: can(deps.current_user(request), permission),
            "csrf_token": deps.csrf_token(request),
            "lang_url": _lang_url(request, "en" if language == "zh" else "zh"),
            "sector_name": lambda code: labels.sector_name(code, language),
            "member_name": lambda code: labels.member_name(code, language),
            "hs_chapter": lambda code: chapter_label(code, language),
            "reasons": lambda texts, edition=None: "; ".join(localise(r, language, edition) for r in texts),
            "flash": _flash(request, language),
            **(context or {}),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") == language:
        page.set_cookie("lang", language, max_age=365 * 86400, samesite="lax")
    seed = getattr(request.state, "new_csrf_seed", None)
    if seed:
        page.set_cookie(
            deps.CSRF_COOKIE,
            seed,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.base_url.startswith("https://"),
        )
    return page  # security headers: service.headers
