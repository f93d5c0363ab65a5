"""Refusals put into words: the one place a :class:`store.refusals.Refused` becomes a sentence.

A rule's message is the entry of :data:`REFUSALS` for its key, a message of the catalogue (Chinese and English)
with ``%(name)s`` slots for the refusal's values. Lists are joined the way each language joins
them, a :class:`~store.refusals.Term` value (a field, a status) is itself named, so no code
name reaches a reader, and a value with a ``text(language)`` method words itself. Pages show the reader's language; the API and the CLI show English.
"""

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from fastapi.responses import JSONResponse

from store.refusals import Refused, Term
from translations import N_, label, translations

REFUSALS: dict[str, str | None] = {
    "entry_too_long": N_("Each entry of “%(field_name)s” is at most %(limit)s characters."),
    "too_many": N_("“%(field_name)s” holds at most %(limit)s entries."),
    "email": N_("“%(email)s” is not an e-mail address."),
    "channel_mailto": N_(
        "E-mail addresses go in the e-mail field; channels are DingTalk, WeCom, Feishu, webhook… addresses: "
        "%(channels)s"
    ),
    "channel": N_("Not a usable channel address (an Apprise URL or an http(s) webhook): %(channels)s"),
    "channel_not_allowed": None,  # the channel's own refusal words itself (alerts.outbound.ChannelRefused)
    "nowhere": N_("Give an e-mail address or at least one channel."),
    "sector": N_("Unknown sector code: %(codes)s"),
    "member": N_("“%(name)s” is not a WTO member name or code."),
    "hs_prefix": N_("An HS code is 2 to 10 digits (such as 85, 8507, 8507.60); these are not: %(codes)s"),
    "hs_spaced": N_(
        "“%(code)s” has a space inside: for one code write %(joined)s; for several, separate them with commas: "
        "%(listed)s"
    ),
    "ics_prefix": N_("An ICS code looks like 13, 13.220 or 13.220.20; these are not: %(codes)s"),
    "committee": N_("The committee is TBT or SPS, not: %(values)s"),
    "kind": N_("Unknown kind of item: %(values)s"),
    "min_urgency": N_("The minimum urgency is low, medium or high, not “%(value)s”."),
    "frequency": N_("The frequency is immediate, daily or weekly, not “%(value)s”."),
    "weekday": N_("The weekly digest day is one of mon, tue, wed, thu, fri, sat, sun, not “%(value)s”."),
    "language": N_("The language is zh or en, not “%(value)s”."),
    "deliver_at": N_("The delivery time is HH:MM (such as 08:00), not “%(value)s”."),
    "timezone": N_("Unknown time zone “%(value)s” (such as Asia/Shanghai)."),
    "reminder_days": N_("Reminder days are whole numbers from 1 to 365; these are not: %(values)s"),
    "required": N_("“%(field_name)s” may not be empty."),
    "link": N_("Links start with http:// or https://: %(links)s"),
    "attachment_too_large": N_("“%(filename)s” is larger than 10 MB."),
    "attachment_type": N_("“%(filename)s”: only PDF, DOCX and images (PNG, JPEG, GIF, WebP) are accepted."),
    "report_not_editable": N_("This report is “%(status_name)s” and can no longer be changed."),
    "report_not_submitted": N_("Only submitted reports are reviewed; this one is “%(status_name)s”."),
    "decision": N_("The decision is publish or reject."),
    "triage_status": N_("Unknown triage status “%(value)s”."),
    "triage_move": N_("An item that is “%(current)s” may move to: %(allowed)s; not to “%(wanted)s”."),
    "triage_comment_first": N_("Record the comment text before marking it sent."),
    "test_too_often": N_("At most %(limit)s tests an hour per subscription; try again later."),
    "password_weak": N_("This password is too common or too easy to guess; use a longer phrase of unrelated words."),
    "triage_assignee": N_("User %(user_id)s is not an active staff member and cannot be assigned."),
    "triage_date": N_("“%(value)s” is not a date (year-month-day, such as 2026-03-01)."),
    "user_role": N_("Unknown role “%(value)s”."),
    "user_member_required": N_("An embassy account needs the WTO member it reports on (its host country)."),
    "user_exists": N_("A user with e-mail %(email)s already exists."),
    "user_self_demote": N_("An administrator may not demote or deactivate their own account."),
    "user_self_delete": N_("An administrator may not delete their own account; another administrator can."),
    "password_short": N_("The password has at least %(limit)s characters."),
    "preview_no_selector": N_(
        "Choose at least one selector (sector, HS code, ICS code, market, committee, kind, keyword or minimum urgency) to preview: without one you would receive everything."
    ),
}
# the names of the fields a refusal may name (a Term without an enumeration)
FIELD_NAMES = {
    "channels": N_("Channels"),
    "sectors": N_("Sectors"),
    "hs_prefixes": N_("HS prefixes"),
    "ics_prefixes": N_("ICS prefixes"),
    "members": N_("Markets"),
    "committees": N_("Committees"),
    "kinds": N_("Kinds"),
    "keywords": N_("Keywords"),
    "reminder_days": N_("Reminders (days before deadline)"),
    "email": N_("E-mail"),
    "name": N_("Name"),
    "host_country": N_("Host country"),
    "title": N_("Title"),
    "report_text": N_("Text"),
    "products": N_("Products"),
    "hs_codes": N_("HS codes"),
    "links": N_("Links"),
}


@runtime_checkable
class Localised(Protocol):
    """A value that words itself (such as :class:`alerts.outbound.ChannelRefused`)."""

    def text(self, language: str) -> str: ...


def _shown(value: object, language: str) -> str:
    if isinstance(value, Localised):
        return value.text(language)
    if isinstance(value, Term):
        if value.enumeration:
            return label(language, value.enumeration, value)
        return translations(language).gettext(FIELD_NAMES[value])
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ("、" if language == "zh" else ", ").join(_shown(part, language) for part in value)
    return str(value)


def explain(refusal: Refused, language: str = "en") -> str:
    """The refusal as one sentence in ``language``."""
    values = {name: _shown(value, language) for name, value in refusal.values.items()}
    template = REFUSALS[refusal.key]
    if template is None:
        return " ".join(values.values())
    return translations(language).gettext(template) % values


def api_response(refusal: Refused) -> JSONResponse:
    """The API's answer to a refusal, in English: 422 shaped like the API's validation errors
    (``detail`` plus ``errors`` by field); any other status (409, 413, …) as ``{"detail"}``."""
    message = explain(refusal)
    if refusal.status != 422:
        return JSONResponse({"detail": message}, status_code=refusal.status)
    field = refusal.field or "request"
    body = {"detail": f"invalid request: {field}: {message}", "errors": [{"field": field, "message": message}]}
    return JSONResponse(body, status_code=422)
