"""Alert messages in the subscriber's language: a subject, a plain-text body, an HTML body
and a JSON payload (for webhooks), from Jinja2 templates in ``templates/``.

Template text comes from the message catalogue (:mod:`translations`). Each item opens with the
structured summary of :mod:`alerts.summary` in the subscriber's language, built from data;
the item's own title and description follow as published. Classification reasons are stored in English: the payload
keeps them so (``urgency_reasons``, each sector's ``reasons``) and adds them in the
subscriber's language (``urgency_reasons_text``, ``reasons_text``), which the messages show.
Everything from outside is untrusted: control and bidi characters are dropped, the HTML is
autoescaped, links other than http(s) are left out, and the subject is one line.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from alerts import labels
from alerts.feedback import stand_in
from alerts.reasons import localise
from alerts.summary import summary_lines
from alerts.threads import stand_in as thread_link
from nlp.hs_names import chapter_label
from store.models import URGENCY_RANK, Alert, Subscription
from store.queries.alerts import AlertItem
from translations import LANGUAGES, N_, environment, label, language_of, translations

TEMPLATES = Path(__file__).parent / "templates"
KINDS = ("alert", "follow-up", "reminder", "digest", "catch-up")  # and "test" (render_test)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
DESCRIPTION_CHARS = 600


@dataclass
class Entry:
    """One alert to tell, with its item and, for follow-ups and reminders, the item first alerted.
    When several subscriptions of one person alerted the item, ``name`` is the alert's
    subscription's and ``also`` holds the others' (name, alert): the item is told once, with
    the reasons of each."""

    alert: Alert
    item: AlertItem
    original: AlertItem | None = None
    name: str | None = None
    also: list[tuple[str, Alert]] = field(default_factory=list)


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    payload: dict


# what a subscription's selector is called in "why you got this"
WHY = {
    "sectors": N_("sectors"),
    "hs": N_("HS codes"),
    "ics": N_("ICS codes"),
    "keywords": N_("keywords"),
    "member": N_("market"),
    "committee": N_("committee"),
    "kind": N_("kind"),
    "urgency": N_("urgency"),
}
# what a follow-up says changed, by the ``what`` of alerts.followups' changes
CHANGES = {
    "comment_deadline": N_("comment deadline now %(new)s (was %(old)s)"),
    "adopted": N_("adopted"),
    "withdrawn": N_("withdrawn"),
    "entry_into_force": N_("entry into force announced"),
    "title": N_("title changed to: %(new)s"),
    "addendum": N_("an addendum was published"),
    "revision": N_("a revision was published"),
    "corrigendum": N_("a corrigendum was published"),
    "supplement": N_("a supplement was published"),
}
INTROS = {
    "alert": N_("A new item matches your subscription."),
    "follow-up": N_("An item you were alerted about has been updated."),
    "reminder": N_("The comment period of this item ends soon."),
    "daily": N_("The past day's items for your subscription, by sector, most urgent first."),
    "weekly": N_("The past week's items for your subscription, by sector, most urgent first."),
    "catch-up": N_("Items matching your new subscription that are still open for comment."),
}
DIGEST_SUBJECTS = {
    "daily": N_("[Daily digest] %(count)s items"),
    "weekly": N_("[Weekly digest] %(count)s items"),
    "catch-up": N_("[Still open for comment] %(count)s items"),
}


def _environment(language: str, autoescape: bool) -> Environment:
    return environment(
        language,
        FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_HTML = {language: _environment(language, autoescape=True) for language in LANGUAGES}
_TEXT = {language: _environment(language, autoescape=False) for language in LANGUAGES}


def html_environment(language: str) -> Environment:
    """The autoescaping environment in ``language`` (also for Atom feeds)."""
    return _HTML[language_of(language)]


def clean(text) -> str:
    """Outside text without control or direction-override characters."""
    return _UNSAFE.sub("", str(text)) if text is not None else ""


def one_line(text: str, limit: int = 180) -> str:
    line = " ".join(clean(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def safe_url(url: str | None) -> str | None:
    url = clean(url).strip()
    return url if re.match(r"https?://[^\s<>\"']+$", url, re.IGNORECASE) else None


def sector_name(code: str, language: str, edition: str | None) -> str:
    return labels.sector_name(code, language, edition)


def member_name(code: str | None, language: str) -> str:
    name = labels.member_name(code, language)
    return f"{name} ({code})" if code and name != code else clean(code)


def item_url(base_url: str, item: AlertItem) -> str:
    return f"{base_url.rstrip('/')}/items/{item.kind}/{item.id}"


def days_left(item: AlertItem, today: date) -> int | None:
    return (item.comment_deadline - today).days if item.comment_deadline else None


def _why_lines(why: dict, language: str, edition: str | None) -> list[str]:
    _ = translations(language).gettext
    lines = []
    if why.get("sectors"):
        lines.append(f"{_(WHY['sectors'])}: " + ", ".join(sector_name(c, language, edition) for c in why["sectors"]))
    for key in ("hs", "ics", "keywords"):
        if why.get(key):
            lines.append(f"{_(WHY[key])}: " + ", ".join(clean(v) for v in why[key]))
    if why.get("members"):
        lines.append(f"{_(WHY['member'])}: " + ", ".join(member_name(m, language) for m in why["members"]))
    if why.get("member"):
        member = member_name(why["member"], language)
        if why.get("via"):
            member = _("%(member)s (EU member state %(states)s)") % {"member": member, "states": ", ".join(why["via"])}
        lines.append(f"{_(WHY['member'])}: {member}")
    for key in ("committee", "kind", "urgency"):
        if why.get(key):
            lines.append(f"{_(WHY[key])}: {clean(why[key])}")
    return lines or [_("you subscribed to everything")]


def _change_lines(changes: list[dict], language: str) -> list[str]:
    _ = translations(language).gettext
    lines = []
    for change in changes:
        values = {"old": clean(change.get("old") or "—"), "new": one_line(change.get("new") or "—", 300)}
        what = change.get("what")
        lines.append(_(CHANGES[what]) % values if what in CHANGES else _("updated"))
    return lines


def _reasons_text(reasons: list[str], language: str, edition: str | None) -> list[str]:
    return [localise(clean(r), language, edition) for r in reasons]


def entry_view(entry: Entry, *, language: str, today: date, base_url: str) -> dict:
    """What the templates and the JSON payload show of one entry."""
    _ = translations(language).gettext
    item, alert = entry.item, entry.alert
    left = days_left(item, today)
    if item.comment_deadline is None or left is None:
        deadline_text = _("none")
    elif left < 0:
        deadline_text = item.comment_deadline.isoformat() + " (" + _("closed") + ")"
    else:
        deadline_text = item.comment_deadline.isoformat() + " (" + _("%(days)s days left") % {"days": left} + ")"
    description = clean(item.description)
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    changes = alert.why.get("changes", []) if isinstance(alert.why, dict) else []
    return {
        "kind": item.kind,
        "id": item.id,
        "kind_label": label(language, "item kind", item.kind),
        "label": one_line(item.label, 200),
        "title": clean(item.title),
        "description": description,
        "member_code": item.member_code,
        "member": member_name(item.member_code, language),
        "committee": item.committee,
        "summary": [
            {"key": line.key, "label": line.label, "text": clean(line.text)}
            for line in summary_lines(item, language=language, today=today)
        ],
        "products": clean(item.products),
        "sectors": [
            {
                "code": code,
                "name": sector_name(code, language, item.edition),
                "reasons": [clean(r) for r in reasons],
                "reasons_text": _reasons_text(reasons, language, item.edition),
            }
            for code, reasons in item.sectors.items()
        ],
        "hs_codes": list(item.hs),
        "hs_chapters": list(item.hs_chapters),
        "hs_chapters_text": [chapter_label(c, language) for c in item.hs_chapters],
        "urgency_level": item.urgency,
        "urgency": label(language, "urgency", item.urgency)
        if item.urgency in URGENCY_RANK
        else _("not yet classified"),
        "urgency_reasons": [clean(r) for r in item.urgency_reasons],
        "urgency_reasons_text": _reasons_text(item.urgency_reasons, language, item.edition),
        "comment_deadline": item.comment_deadline.isoformat() if item.comment_deadline else None,
        "days_left": left,
        "deadline_text": deadline_text,
        "full_text": [url for url in map(safe_url, item.links) if url],
        "item_url": item_url(base_url, item),
        "feedback_useful": f"{stand_in('useful', item.kind, item.id)}?lang={language}",
        "feedback_not_relevant": f"{stand_in('not_relevant', item.kind, item.id)}?lang={language}",
        "thread_follow": f"{thread_link('follow', item.id)}?lang={language}" if item.base_symbol else None,
        "thread_mute": f"{thread_link('mute', item.id)}?lang={language}" if item.base_symbol else None,
        "reason": alert.reason,
        "why": why_told([(entry.name or "", alert), *entry.also], language, item.edition),
        "changes": _change_lines(changes, language),
        "changes_data": changes,
    }


def _alert_why(alert: Alert, language: str, edition: str | None) -> list[str]:
    if alert.reason not in ("match", "catch-up"):
        return []
    return _why_lines({k: v for k, v in alert.why.items() if k != "changes"}, language, edition)


def why_told(told: list[tuple[str, Alert]], language: str, edition: str | None) -> list[str]:
    """Why a person got an item, from the alerts ``told`` of it (each with its subscription's
    name): the reasons of its subscription or, when several of the person's subscriptions
    matched it, of each, once per subscription in the order told ("订阅“电子产品”：HS编码: 85").
    Messages and the inbox page show these."""
    _ = translations(language).gettext
    by_subscription: dict[int, tuple[str, list[str]]] = {}
    for name, alert in told:
        lines = by_subscription.setdefault(alert.subscription_id, (name, []))[1]
        lines.extend(line for line in _alert_why(alert, language, edition) if line not in lines)
    if len(by_subscription) == 1:
        return next(iter(by_subscription.values()))[1]
    return [
        _("subscription “%(name)s”: %(reasons)s")
        % {"name": one_line(name, 60), "reasons": ("；" if language == "zh" else "; ").join(lines)}
        for name, lines in by_subscription.values()
        if lines
    ]


def _sort_key(view: dict) -> tuple:
    return (
        -URGENCY_RANK.get(view["urgency_level"], -1),  # most urgent first, unclassified last
        view["days_left"] if view["days_left"] is not None and view["days_left"] >= 0 else 10**6,
        view["label"],
    )


def group_by_sector(views: list[dict], subscribed: list[str], other: str) -> list[dict]:
    """Digest groups: each item under its first subscribed sector (else its first sector),
    groups and items most urgent first."""
    groups: dict[str, list[dict]] = {}
    for view in views:
        codes = [s["code"] for s in view["sectors"]]
        primary = next((c for c in codes if c in subscribed), codes[0] if codes else None)
        name = next((s["name"] for s in view["sectors"] if s["code"] == primary), other)
        groups.setdefault(name, []).append(view)
    ordered: list[dict] = [
        {"name": name, "entries": sorted(entries, key=_sort_key)} for name, entries in groups.items()
    ]
    return sorted(ordered, key=lambda g: (_sort_key(g["entries"][0]), g["name"] == other))


def render_message(
    kind: str,
    subscription: Subscription,
    entries: list[Entry],
    *,
    today: date,
    base_url: str,
    period: str | None = None,
    unsubscribe_url: str | None = None,
) -> Rendered:
    """Render one message of ``kind`` (see :data:`KINDS`) for ``subscription`` (its language,
    sectors, id and, unless ``unsubscribe_url`` is given, its unsubscribe link)."""
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    language = language_of(subscription.language)
    _ = translations(language).gettext
    views = [entry_view(e, language=language, today=today, base_url=base_url) for e in entries]
    if kind in ("digest", "catch-up"):
        groups = group_by_sector(views, [s.upper() for s in subscription.sectors], _("Other"))
        which = "catch-up" if kind == "catch-up" else period or "daily"
        subject = _(DIGEST_SUBJECTS[which]) % {"count": len(views)}
        intro = _(INTROS[which])
    else:
        groups = [{"name": None, "entries": views}]
        subject = _single_subject(kind, entries[0], views[0], language)
        intro = _(INTROS[kind])
    hidden = ("changes", "changes_data", "kind_label", "deadline_text", "hs_chapters_text")
    payload = {
        "type": kind,
        "language": language,
        "subscription_id": subscription.id,
        "period": period,
        "items": [
            {k: v for k, v in view.items() if k not in hidden} | {"changes": view["changes_data"]} for view in views
        ],
    }
    return _render(
        subscription,
        language,
        base_url,
        unsubscribe_url,
        payload,
        intro=intro,
        subject=subject,
        groups=groups,
        selectors=[],
    )


def subscription_lines(subscription: Subscription, language: str) -> list[str]:
    """What a subscription selects, a line per selector it sets, in ``language``."""
    why = {
        "sectors": subscription.sectors,
        "hs": subscription.hs_prefixes,
        "ics": subscription.ics_prefixes,
        "keywords": subscription.keywords,
        "members": subscription.members,
        "committee": ", ".join(subscription.committees),
        "kind": ", ".join(label(language, "item kind", kind) for kind in subscription.kinds),
        "urgency": translations(language).gettext("%(level)s or higher")
        % {"level": label(language, "urgency", subscription.min_urgency)}
        if subscription.min_urgency in ("medium", "high")
        else None,
    }
    return _why_lines(why, language, None)


def render_test(subscription: Subscription, *, base_url: str, unsubscribe_url: str | None = None) -> Rendered:
    """The test message a subscriber asks for: which subscription it is, what it selects,
    and the unsubscribe link, in its language."""
    language = language_of(subscription.language)
    _ = translations(language).gettext
    name = one_line(subscription.name or f"#{subscription.id}", 100)
    selectors = subscription_lines(subscription, language)
    payload = {
        "type": "test",
        "language": language,
        "subscription_id": subscription.id,
        "period": None,
        "items": [],
        "selectors": selectors,
    }
    return _render(
        subscription,
        language,
        base_url,
        unsubscribe_url,
        payload,
        intro=_("This is a test from tbtwatch for subscription “%(name)s”. You will receive alerts for:")
        % {"name": name},
        subject=one_line(_("[Test] tbtwatch subscription “%(name)s”") % {"name": name}),
        groups=[],
        selectors=selectors,
    )


def render_confirmation(subscription: Subscription, *, base_url: str, link: str) -> Rendered:
    """The one message an unconfirmed address receives: who asked, and the link that confirms it."""
    language = language_of(subscription.language)
    _ = translations(language).gettext
    name = one_line(subscription.name or f"#{subscription.id}", 100)
    payload = {"type": "confirm", "language": language, "subscription_id": subscription.id, "items": []}
    return _render(
        subscription,
        language,
        base_url,
        None,
        payload,
        intro=_(
            "Someone asked for the alerts of tbtwatch subscription “%(name)s” to be sent to this address. "
            "If that was you, confirm at %(link)s . If not, ignore this message: nothing more will be sent here."
        )
        % {"name": name, "link": link},
        subject=one_line(_("[Please confirm] e-mail address of tbtwatch subscription “%(name)s”") % {"name": name}),
        groups=[],
        selectors=[],
    )


def _render(
    subscription: Subscription, language: str, base_url: str, unsubscribe_url: str | None, payload: dict, **context
) -> Rendered:
    unsubscribe_url = unsubscribe_url or f"{base_url.rstrip('/')}/unsubscribe/{subscription.token}"
    context |= {
        "language": language,
        "kind": payload["type"],
        "unsubscribe_url": unsubscribe_url,
    }
    return Rendered(
        subject=context["subject"],
        text=_TEXT[language].get_template("message.txt.j2").render(context),
        html=_HTML[language].get_template("message.html.j2").render(context),
        payload=payload,
    )


def alert_subject(item: AlertItem, language: str) -> str:
    """The subject of a first alert; follow-ups reply to it."""
    _ = translations(language).gettext
    title = item.title or item.products or item.description or ""
    deadline = " · " + _("Comment deadline") + " " + item.comment_deadline.isoformat() if item.comment_deadline else ""
    return one_line(_("[Alert]") + f" {item.label} {title}{deadline}")


def _single_subject(kind: str, entry: Entry, view: dict, language: str) -> str:
    first = entry.original or entry.item
    if kind == "follow-up":
        return one_line("Re: " + alert_subject(first, language), 200)
    if kind == "reminder":
        subject = translations(language).gettext("[Comment deadline] %(days)s days left: %(item)s")
        return one_line(subject % {"days": view["days_left"], "item": f"{first.label} {first.title or ''}"})
    return alert_subject(entry.item, language)
