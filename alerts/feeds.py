"""Per-subscription feeds at secret URLs: Atom of the alerts, iCalendar (RFC 5545) of the
comment deadlines of the items alerted.

Entry and event ids do not contain the token, so a feed reader sharing ids learns nothing;
all text from outside is escaped for XML (autoescape) or by icalendar (which also folds lines
at 75 octets).
"""

from datetime import datetime

from icalendar import Calendar, Event
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


def ics_calendar(session: Session, subscription: Subscription, *, base_url: str, now: datetime | None = None) -> str:
    now = now or utcnow()
    _ = translations(subscription.language).gettext
    calendar = Calendar()
    calendar.add("prodid", "-//tbtwatch//comment deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("tbtwatch subscription %(id)s") % {"id": subscription.id})
    seen = set()
    for entry in _entries(session, subscription):
        item = entry.item
        if item.comment_deadline is None or item.key in seen:
            continue
        seen.add(item.key)
        view = entry_view(entry, language=subscription.language, today=now.date(), base_url=base_url)
        summary = _("Comment deadline: %(label)s") % {"label": view["label"]}
        event = Event()
        event.add("uid", f"{item.kind}-{item.id}-s{subscription.id}@tbtwatch")
        event.add("dtstamp", now)
        event.add("dtstart", item.comment_deadline)
        event.add("summary", one_line(summary + " " + view["title"], 250))
        event.add(
            "description",
            "\n".join(part for part in (view["member"], view["title"], view["products"], view["item_url"]) if part),
        )
        event.add("url", view["item_url"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical().decode()
