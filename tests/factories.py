"""Test data built through the real write paths: notifications through the store's upsert (as a
crawl or an import stores them), classifications with their rule and model tags as the
classifier's job saves them, human tags as a person's correction of the sectors records them,
subscriptions through the use case of the pages, API and CLI; and the tests' clock.

Only the clock is the tests' own: a notification's ``first_seen_at`` is set to the moment a
test says it was first seen (the upsert stamps the real now)."""

from datetime import UTC, date, datetime, timedelta

from alerts.labels import sector_codes
from alerts.subscriptions import create_subscription
from store.db import session_scope
from store.interchange import notification_from_record
from store.models import Notification, NotificationCreate, SubscriptionCreate
from store.queries.classification import save_classifications
from store.queries.notifications import upsert_notification
from store.queries.tags import set_human_tags

NOW = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
TODAY = NOW.date()


def clock(moment=NOW):
    return lambda: moment


def date_of(days: int) -> date:
    return TODAY + timedelta(days=days)


def add_notification(
    engine,
    *,
    symbol="G/TBT/N/USA/2100",
    member="USA",
    classified=True,
    sectors=None,
    urgency="medium",
    hs_chapters=("85",),
    first_seen=None,
    **fields,
) -> int:
    """A notification, distributed yesterday and open for comment 60 days, classified unless told not."""
    values = {
        "title": "Lithium batteries for e-bikes: safety requirements",
        "products_text": "Lithium-ion batteries",
        "hs_codes": ["850760"],
        "ics_codes": ["29.220.30"],
        "distribution_date": TODAY - timedelta(days=1),
        "comment_deadline": TODAY + timedelta(days=60),
        "language": "en",
        "description": "Safety of batteries.",
    }
    values.update(fields)
    with session_scope(engine) as session:
        stored = upsert_notification(
            session, notification=NotificationCreate(symbol=symbol, member_code=member, **values), source="test"
        )
        row = stored.row
        assert isinstance(row, Notification)
        row.first_seen_at = first_seen or NOW - timedelta(hours=1)
        session.add(row)
        session.flush()
        if classified:
            classify(session, "notification", row.id, sectors or {"EI": ["HS 8507 core"]}, urgency, hs_chapters)
        return row.id


def classify(session, kind, item_id, sectors, urgency="medium", hs_chapters=("85",), hs_guesses=None):
    """Classification as the classifier's job saves it: ``sectors`` (code → reasons) rule tags,
    ``hs_chapters`` decided model chapters, ``hs_guesses`` (chapter → score) undecided ones."""
    hs_tags = [{"code": c, "score": 0.9, "decided": True, "origin": "model"} for c in hs_chapters] + [
        {"code": c, "score": score, "decided": False, "origin": "model"} for c, score in (hs_guesses or {}).items()
    ]
    tags = [{"sector": code, "origin": "rule", "reasons": reasons} for code, reasons in sectors.items()]
    tag_item(session, kind, item_id, tags, urgency=urgency, urgency_reasons=["deadline in 60 days"], hs_tags=hs_tags)


def tag_item(
    session,
    kind,
    item_id,
    tags,
    *,
    edition="2003",
    urgency="low",
    urgency_reasons=(),
    hs_tags=(),
    author_id=None,
):
    """An item classified and tagged as their writers store it. ``tags``: dicts of a tag's
    ``sector`` and ``origin`` and, unless 0.9, decided and none, its ``score``, ``decided``
    and ``reasons``. The rule and model tags go in as the classifier's job saves a
    classification (with ``urgency``, ``urgency_reasons`` and ``hs_tags``, dicts of HsTag
    fields); then the human ones as staff confirming the item's sectors record them: yes to
    each human tag's sector, no to the other sectors of ``edition``."""
    machine = [{"score": 0.9, "decided": True, "reasons": [], **tag} for tag in tags if tag["origin"] != "human"]
    result = {"item_id": item_id, "edition": edition, "tags": machine, "hs_tags": list(hs_tags)}
    result |= {"urgency": urgency, "urgency_reasons": list(urgency_reasons)}
    save_classifications(session, item_kind=kind, results=[result])
    human = [tag["sector"] for tag in tags if tag["origin"] == "human"]
    if human:
        confirm_tags(session, kind, item_id, human, edition=edition, author_id=author_id)


def confirm_tags(session, kind, item_id, sectors, *, edition="2003", author_id=None):
    """Human tags as staff confirming an item's sectors record them: yes to ``sectors``, no to
    the other sectors of ``edition``; the item's rule and model tags stay as they are."""
    set_human_tags(
        session,
        item_kind=kind,
        item_id=item_id,
        sectors=list(sectors),
        edition=edition,
        edition_sectors=sector_codes(edition),
        author_id=author_id,
    )


def subscribe(engine, *, created=None, user_id=None, **fields) -> int:
    """A subscription through the use case (its checks, its token), made ``created`` (a month before NOW)."""
    data = SubscriptionCreate(**{"email": "buyer@example.com", **fields})
    with session_scope(engine) as session:
        return create_subscription(session, data, user_id=user_id, now=created or NOW - timedelta(days=30)).id


def seed_notifications(engine, records: list[dict], count: int | None = None) -> list[int]:
    """Store dev-set records as notifications, as ``tbtwatch import`` does; their ids."""
    ids = []
    with session_scope(engine) as session:
        for record in records[:count]:
            notification, _sectors = notification_from_record(record)
            stored = upsert_notification(session, notification=notification, source="test", external_id=record["id"])
            ids.append(stored.row.id)
    return ids
