"""The Jinja2 environments of the pages, one per language (gettext of the catalogue, ``label``
of stored codes), with the language, the signed-in user, the CSRF token of the forms and the
names of codes and reasons in the language, and times on the reader's clock (``when``)."""

from datetime import datetime
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader

from alerts import labels
from alerts.reasons import localise
from nlp.hs_names import chapter_label
from service.security import can
from service.web import deps
from service.web.i18n import local_time, request_language, request_zone, zone_label
from translations import LANGUAGES, N_, environment, translations

_LOADER = FileSystemLoader(Path(__file__).parent / "templates")
TEMPLATES = {language: Jinja2Templates(env=environment(language, _LOADER, autoescape=True)) for language in LANGUAGES}
# ?done=KEY after a form redirected back
FLASHES = {
    "saved": N_("Saved."),
    "nothing_changed": N_("Nothing changed."),
    "subscription_saved": N_("Subscription saved."),
    "paused": N_("Subscription paused."),
    "resumed": N_("Subscription resumed."),
    "unsubscribed": N_("Unsubscribed."),
    "test_queued": N_("Test message queued."),
    "dismissed": N_("Dismissed."),
    "tags_saved": N_("Sectors saved."),
    "bulk_saved": N_("Bulk action done."),
    "bulletin_sent": N_("Bulletin queued for sending."),
    "bulletin_nobody": N_("Nothing was sent: no daily-digest subscriber has anything new in their subscription."),
    "bulk_nothing": N_("Nothing changed: choose items and a status or an assignee first."),
    "report_submitted": N_("Submitted for review."),
    "report_published": N_("Published; subscribers will be alerted."),
    "report_rejected": N_("Returned to its author."),
    "crawl_started": N_("Crawl started."),
    "user_created": N_("User added."),
    "user_deleted": N_("Account deleted."),
    "account_deleted": N_("Your account has been deleted."),
    "replayed": N_("Queued again."),
    "bulk_partial": N_("Some items were left as they were; the workflow does not allow that change."),
    "thread_follow": N_("You now follow this notification."),
    "thread_mute": N_("This thread is muted."),
    "thread_cleared": N_("Back to your subscriptions' rules."),
}


def _lang_url(request: Request, language: str) -> str:
    """This page's address in ``language``, keeping its other query parameters."""
    url = request.url.remove_query_params(["lang", "done"]).include_query_params(lang=language)
    return f"{url.path}?{url.query}"


def _flash(request: Request, language: str) -> str | None:
    """The message of ``?done=KEY`` after a form redirected back (known keys only)."""
    done = request.query_params.get("done")
    return translations(language).gettext(FLASHES[done]) if done in FLASHES else None


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200):
    """Render template ``name`` in the request's language (autoescaped: sources' text is untrusted)."""
    language = request_language(request)
    zone = request_zone(request)
    page = TEMPLATES[language].TemplateResponse(
        request,
        name,
        {
            "lang": language,
            "other_lang": "en" if language == "zh" else "zh",
            "today": datetime.now(zone).date(),
            "when": lambda moment, seconds=False: local_time(moment, zone, seconds=seconds),
            "zone_name": zone_label(zone),
            "user": deps.current_user(request),
            "can": lambda permission: can(deps.current_user(request), permission),
            "csrf_token": deps.csrf_token(request),
            "lang_url": _lang_url(request, "en" if language == "zh" else "zh"),
            "sector_name": lambda code: labels.sector_name(code, language),
            "member_name": lambda code: labels.member_name(code, language),
            "hs_chapter": lambda code: chapter_label(code, language),
            "reasons": lambda texts, edition=None: ("；" if language == "zh" else "; ").join(
                localise(r, language, edition) for r in texts
            ),
            "colon": "：" if language == "zh" else ": ",  # after a label, in the page's script
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
