"""Per-subscription feeds at secret URLs: Atom of the alerts, iCalendar (RFC 5545) of the
comment deadlines of the items alerted.

Entry and event ids do not contain the token, so a feed reader sharing ids learns nothing;
all text from outside is escaped for XML (autoescape) or iCalendar (``\\``, ``;``, ``,`` and
newlines), and iCalendar lines are folded at 75 octets.
"""

from datetime import datetime

from sqlmodel import Session

from alerts.feedback import personalise
from alerts.outbox import zone_of
from alerts.render import Entry, entry_view, html_environment, one_line
from store.models import Subscription
from store.models.types import utcnow
from store.queries.alerts import load_items, subscription_alerts
from translations import translations

ATOM_TYPE = "application/atom+xml; charset=utf-8"
ICS_TYPE = "text/calendar; charset=utf-8"


def _entries(session: Session, subscription: Subscription) -> list[Entry]:
    alerts = subscription_alerts(session, subscription.id)
    items = load_items(session, {(a.item_kind, a.item_id) for a in alerts})
    return [Entry(a, items[(a.item_kind, a.item_id)]) for a in alerts if (a.item_kind, a.item_id) in items]


def atom_feed(
    session: Session, subscription: Subscription, *, base_url: str, secret: str, now: datetime | None = None
) -> str:
    """The subscription's alerts as Atom, each entry's summary with the subscriber's feedback links."""
    now = now or utcnow()
    language = subscription.language
    _ = translations(language).gettext
    today = now.astimezone(zone_of(subscription.timezone)).date()
    entries = []
    for entry in _entries(session, subscription):
        view = entry_view(entry, language=language, today=today, base_url=base_url)
        summary = [
            *(f"{line['label']}: {line['text']}" for line in view["summary"]),
            *view["changes"],
            "",
            view["title"],
            view["description"],
            "",
            _("Useful") + ": " + view["feedback_useful"],
            _("Not relevant") + ": " + view["feedback_not_relevant"],
        ]
        [text] = personalise(
            ["\n".join(summary).strip()],
            subscription_id=subscription.id,
            nonce=f"feed:{entry.alert.id}",
            base_url=base_url,
            secret=secret,
        )
        entries.append(
            {
                "id": f"tag:tbtwatch,2024:alert-{entry.alert.id}",
                "title": one_line(f"{view['label']} {view['title']}", 300),
                "updated": entry.alert.created_at.isoformat(),
                "summary": text,
                "view": view,
            }
        )
    return (
        html_environment(language)
        .get_template("feed.atom.j2")
        .render(
            feed_id=f"tag:tbtwatch,2024:subscription-{subscription.id}",
            title=_("tbtwatch subscription %(id)s") % {"id": subscription.id},
            updated=entries[0]["updated"] if entries else subscription.created_at.isoformat(),
            self_url=f"{base_url.rstrip('/')}/feeds/{subscription.token}.atom",
            entries=entries,
            language=language,
        )
    )


def ics_text(value: str) -> str:
    """An iCalendar TEXT value."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def ics_calendar(session: Session, subscription: Subscription, *, base_url: str, now: datetime | None = None) -> str:
    now = now or utcnow()
    _ = translations(subscription.language).gettext
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tbtwatch//comment deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + ics_text(_("tbtwatch subscription %(id)s") % {"id": subscription.id}),
    ]
    seen = set()
    for entry in _entries(session, subscription):
        item = entry.item
        if item.comment_deadline is None or item.key in seen:
            continue
        seen.add(item.key)
        view = entry_view(entry, language=subscription.language, today=now.date(), base_url=base_url)
        summary = _("Comment deadline: %(label)s")
        description = "\n".join(
            part for part in (view["member"], view["title"], view["products"], view["item_url"]) if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.kind}-{item.id}-s{subscription.id}@tbtwatch",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.comment_deadline.strftime('%Y%m%d')}",
            "SUMMARY:" + ics_text(one_line(summary % {"label": view["label"]} + " " + view["title"], 250)),
            f"DESCRIPTION:{ics_text(description)}",
            f"URL:{view['item_url']}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
