"""Reading and writing what alerts need: items with their classification, subscriptions,
alerts, and the delivery outbox (claiming rows so two dispatchers never send one twice).

Writes that may race (two dispatchers matching the same item, a digest enqueued twice) go
through :func:`insert_ignore`, which leans on the unique constraints and reports only the
rows this caller inserted.
"""

import os
import socket
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict, Unpack

from sqlalchemy import (
    Connection,
    UniqueConstraint,
    Update,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    or_,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from store.db import rows_affected
from store.kinds import KINDS, kind_of
from store.models import (
    Alert,
    AuditEntry,
    Delivery,
    DeliveryAttempt,
    IntelligenceReport,
    ItemClassification,
    ItemRevision,
    Notification,
    StandardsChange,
    Subscription,
    ThreadChoice,
    Triage,
    User,
)
from store.models.types import table_of
from store.queries.hs import chapters_of, decided_hs, hs_tags_by_item
from store.queries.tags import classifications, effective_sectors, tags_by_item

ItemKey = tuple[str, int]
FIRST_REASONS = ("match", "catch-up")  # reasons that start a subscriber's thread on an item


@dataclass
class AlertItem:
    """An item as matching and rendering see it, whatever its table."""

    kind: str
    id: int
    label: str  # symbol, standard reference or report title
    title: str | None
    description: str | None = None
    products: str | None = None
    member_code: str | None = None
    committee: str | None = None
    hs_codes: list[str] = field(default_factory=list)  # as published
    ics_codes: list[str] = field(default_factory=list)
    hs: list[str] = field(default_factory=list)  # the decided HS codes (store.queries.hs.decided_hs)
    language: str | None = None
    dated: date | None = None  # distribution, publication or report date
    comment_deadline: date | None = None
    first_seen_at: datetime | None = None
    base_symbol: str | None = None
    symbol_kind: str = "regular"
    notification_type: str | None = None
    status: str | None = None  # "withdrawn" for a withdrawn standard
    links: list[str] = field(default_factory=list)
    classified: bool = False
    edition: str | None = None
    sectors: dict[str, list[str]] = field(default_factory=dict)  # code → reasons
    urgency: str | None = None
    urgency_reasons: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    comment_status: str | None = None  # the enquiry point's triage status, when it has one
    comment_sent_on: date | None = None

    @property
    def key(self) -> ItemKey:
        return (self.kind, self.id)

    @property
    def hs_chapters(self) -> list[str]:
        """The chapters of the decided HS codes."""
        return chapters_of(self.hs)

    def text(self) -> str:
        """Everything keywords are looked for in."""
        return "\n".join(part for part in (self.label, self.title, self.description, self.products) if part)


def alert_item(row: Any) -> AlertItem:
    """An item row as matching and rendering see it (its kind's fields, :mod:`store.kinds`,
    and what only one kind carries)."""
    kind = kind_of(row)
    item = AlertItem(
        kind=kind.name,
        id=row.id,
        label=kind.reference(row),
        title=kind.title(row),
        description=kind.description(row),
        products=kind.products(row),
        member_code=row.member_code,
        committee=kind.committee(row) if kind.name == "notification" else None,
        hs_codes=list(row.hs_codes),
        ics_codes=kind.ics_codes(row),
        language=row.language,
        dated=kind.date_of(row),
        comment_deadline=kind.deadline_of(row),
        links=kind.links(row),
    )
    if isinstance(row, Notification):
        item.first_seen_at, item.base_symbol, item.symbol_kind = row.first_seen_at, row.base_symbol, row.symbol_kind
        item.notification_type, item.objectives = row.notification_type, list(row.objectives)
    elif isinstance(row, StandardsChange):
        item.first_seen_at, item.notification_type = row.first_seen_at, row.kind
        item.status = "withdrawn" if row.kind == "withdrawn" else None
    else:
        item.first_seen_at = row.published_at or row.created_at
        item.dated = item.first_seen_at.date()
    return item


def load_items(session: Session, keys: Iterable[ItemKey]) -> dict[ItemKey, AlertItem]:
    """The items for ``keys`` (missing ones left out) with their classification, effective
    sectors (each with the reasons its decided tags give) and the enquiry point's comment status."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, item_id in keys:
        by_kind[kind].add(item_id)
    items: dict[ItemKey, AlertItem] = {}
    for kind, id_set in by_kind.items():
        model, ids = KINDS[kind].model, sorted(id_set)
        for row in session.exec(select(model).where(col(model.id).in_(ids), KINDS[kind].counts())):
            loaded = alert_item(row)
            items[loaded.key] = loaded
        for item_id, row in classifications(session, item_kind=kind, item_ids=ids).items():
            if item := items.get((kind, item_id)):
                item.classified, item.edition, item.urgency = True, row.edition, row.urgency
                item.urgency_reasons = list(row.urgency_reasons)
        hs_tags = hs_tags_by_item(session, item_kind=kind, item_ids=ids)
        for key, item in items.items():
            if key[0] == kind:
                item.hs = decided_hs(hs_tags.get(item.id, []), item.hs_codes)
        for item_id, tags in tags_by_item(session, item_kind=kind, item_ids=ids).items():
            if item := items.get((kind, item_id)):
                for code in effective_sectors(tags):
                    item.sectors[code] = list(
                        dict.fromkeys(
                            reason for tag in tags if tag.sector == code and tag.decided for reason in tag.reasons
                        )
                    )
        triage = select(Triage).where(Triage.item_kind == kind, col(Triage.item_id).in_(ids))
        for row in session.exec(triage):
            if item := items.get((kind, row.item_id)):
                item.comment_status, item.comment_sent_on = row.status, row.comment_sent_on
    return items


def insert_ignore(session: Session, model: type[SQLModel], rows: list[dict]) -> list[int | None]:
    """Insert ``rows`` (all with the same keys), skipping any that break the table's unique
    constraint: per row, its new id, or None when skipped (so also for a repeat of an earlier
    row of ``rows``).

    One executemany of ``INSERT … ON CONFLICT DO NOTHING RETURNING``, which SQLAlchemy sends
    as multi-row inserts (its "insertmanyvalues", a thousand rows or so per statement). Their
    RETURNING leaves the skipped rows out and keeps no set order, so each returned id is
    matched to its row by the unique key returned with it.
    """
    if not rows:
        return []
    table = table_of(model)
    key = _unique_key(table)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing().returning(table.c.id, *(table.c[k] for k in key))
    made = {tuple(found): new_id for new_id, *found in session.execute(statement, rows)}
    return [made.pop(tuple(row[k] for k in key), None) for row in rows]


def _unique_key(table) -> list[str]:
    """The columns of a table's one unique constraint (besides its primary key)."""
    [constraint] = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    return [column.name for column in constraint.columns]


def _skip_locked(session: Session, statement):
    """``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer at a time anyway."""
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


# --- matching -------------------------------------------------------------------------------------


def unmatched_items(session: Session, *, limit: int) -> list[ItemKey]:
    """Classified items not yet matched, oldest classification first, locked for this
    transaction on PostgreSQL so a second dispatcher takes others. Intelligence reports wait
    until they are published."""
    unpublished = select(IntelligenceReport.id).where(
        IntelligenceReport.id == ItemClassification.item_id, ~KINDS["intelligence"].counts()
    )
    statement = (
        select(ItemClassification.item_kind, ItemClassification.item_id)
        .where(
            col(ItemClassification.matched_at).is_(None),
            ~and_(col(ItemClassification.item_kind) == "intelligence", exists(unpublished)),
        )
        .order_by(col(ItemClassification.classified_at))
        .limit(limit)
    )
    return [tuple(row) for row in session.exec(_skip_locked(session, statement))]


def mark_matched(session: Session, keys: Iterable[ItemKey], now: datetime) -> None:
    for kind, item_id in keys:
        session.execute(
            update(ItemClassification)
            .where(col(ItemClassification.item_kind) == kind, col(ItemClassification.item_id) == item_id)
            .values(matched_at=now)
        )


def receiving() -> ColumnElement[bool]:
    """SQL: the subscription may receive alerts: active, and its account (if it has one) too."""
    account_active = select(User.id).where(User.id == Subscription.user_id, User.active)
    return and_(col(Subscription.active), or_(col(Subscription.user_id).is_(None), exists(account_active)))


def active_subscriptions(session: Session) -> list[Subscription]:
    """The subscriptions that may receive alerts (both purposes: see ``Subscription.purpose``)."""
    return list(session.exec(select(Subscription).where(receiving()).order_by(col(Subscription.id))))


def cancel_pending(session: Session, *, subscription_ids: Iterable[int] = (), user_id: int | None = None) -> int:
    """Cancel the deliveries not yet claimed of these subscriptions (or of every subscription of
    the account ``user_id``): their person may no longer receive them. How many."""
    condition: ColumnElement[bool] = col(Delivery.subscription_id).in_(sorted(set(subscription_ids)))
    if user_id is not None:
        of_account = select(col(Subscription.id)).where(col(Subscription.user_id) == user_id)
        condition = or_(condition, col(Delivery.subscription_id).in_(of_account))
    return rows_affected(
        session.execute(
            update(Delivery)
            .where(condition, col(Delivery.status) == "pending")
            .values(status="cancelled", last_error="cancelled: the recipient may no longer receive alerts")
        )
    )


def thread_alerts(session: Session, item: AlertItem) -> dict[int, Alert]:
    """For an addendum, revision or corrigendum: per subscription, the first alert it had on
    another notification of the same thread."""
    if item.kind != "notification" or not item.base_symbol:
        return {}
    statement = (
        select(Alert)
        .join(Notification, and_(col(Alert.item_kind) == "notification", col(Alert.item_id) == col(Notification.id)))
        .where(
            Notification.base_symbol == item.base_symbol,
            Notification.id != item.id,
            col(Alert.reason).in_(FIRST_REASONS),
        )
        .order_by(col(Alert.id))
    )
    first: dict[int, Alert] = {}
    for alert in session.exec(statement):
        first.setdefault(alert.subscription_id, alert)
    return first


def first_alerts(session: Session, key: ItemKey) -> list[Alert]:
    """The alerts that started each subscription's thread on one item."""
    return list(
        session.exec(
            select(Alert).where(
                Alert.item_kind == key[0], Alert.item_id == key[1], col(Alert.reason).in_(FIRST_REASONS)
            )
        )
    )


def revisions_since(session: Session, since: datetime) -> list[ItemRevision]:
    """Recent new versions of items someone was alerted about or follows."""
    alerted = select(Alert.id).where(
        Alert.item_kind == ItemRevision.item_kind,
        Alert.item_id == ItemRevision.item_id,
        col(Alert.reason).in_(FIRST_REASONS),
    )
    followed = (
        select(ThreadChoice.id)
        .join(Notification, col(Notification.base_symbol) == col(ThreadChoice.thread))
        .where(
            ItemRevision.item_kind == "notification",
            Notification.id == ItemRevision.item_id,
            ThreadChoice.choice == "follow",
        )
    )
    return list(
        session.exec(
            select(ItemRevision)
            .where(ItemRevision.changed_at >= since, or_(exists(alerted), exists(followed)))
            .order_by(col(ItemRevision.id))
        )
    )


def open_first_alerts(session: Session, today: date) -> list[tuple[Alert, date]]:
    """Undismissed first alerts whose item's comment deadline is today or later, with it."""
    found: list[tuple[Alert, date]] = []
    for model in (Notification, StandardsChange):
        kind = "notification" if model is Notification else "change"
        statement = (
            select(Alert, col(model.comment_deadline))
            .join(model, and_(col(Alert.item_kind) == kind, col(Alert.item_id) == col(model.id)))
            .where(
                col(Alert.reason).in_(FIRST_REASONS),
                col(Alert.dismissed_at).is_(None),
                col(model.comment_deadline) >= today,
            )
        )
        found.extend((alert, deadline) for alert, deadline in session.exec(statement) if deadline is not None)
    return found


def alerts_between(session: Session, subscription_id: int, since: datetime, until: datetime) -> list[Alert]:
    """A subscription's alerts made in [since, until), except reminders (those go at once)."""
    return list(
        session.exec(
            select(Alert)
            .where(
                Alert.subscription_id == subscription_id,
                Alert.created_at >= since,
                Alert.created_at < until,
                col(Alert.reason).not_like("reminder%"),
            )
            .order_by(col(Alert.id))
        )
    )


def told_items(session: Session, channels: list[str], since: datetime) -> set[ItemKey]:
    """The items messages since ``since`` told (or are about to tell) through ``channels``."""
    if not channels:
        return set()
    statement = select(Delivery.alert_ids).where(
        col(Delivery.channel).in_(channels),
        Delivery.created_at >= since,
        Delivery.kind != "test",
        col(Delivery.status).in_(("pending", "sending", "sent")),
    )
    ids = {alert_id for alert_ids in session.exec(statement) for alert_id in alert_ids}
    return {(a.item_kind, a.item_id) for a in alerts_by_id(session, ids).values()}


def sibling_alerts(
    session: Session, subscription: Subscription, keys: set[ItemKey], since: datetime, until: datetime
) -> list[Alert]:
    """The alerts made in [since, until) on the items ``keys`` for the person's other
    subscriptions (same account or same address), reminders aside."""
    if not keys:
        return []
    same_person = [col(Subscription.email) == subscription.email] if subscription.email else []
    if subscription.user_id is not None:
        same_person.append(col(Subscription.user_id) == subscription.user_id)
    if not same_person:
        return []
    others = select(col(Subscription.id)).where(col(Subscription.id) != subscription.id, or_(*same_person))
    statement = select(Alert).where(
        col(Alert.subscription_id).in_(others),
        Alert.created_at >= since,
        Alert.created_at < until,
        col(Alert.reason).not_like("reminder%"),
        col(Alert.item_id).in_(sorted({item_id for _, item_id in keys})),
    )
    return [a for a in session.exec(statement.order_by(col(Alert.id))) if (a.item_kind, a.item_id) in keys]


def subscription_alerts(session: Session, subscription_id: int, *, limit: int = 200) -> list[Alert]:
    """The newest alerts of a subscription (not reminders), for its feeds."""
    return list(
        session.exec(
            select(Alert)
            .where(Alert.subscription_id == subscription_id, col(Alert.reason).not_like("reminder%"))
            .order_by(col(Alert.id).desc())
            .limit(limit)
        )
    )


class InboxQuery(TypedDict, total=False):
    """Which part of an inbox: see :func:`inbox_items`."""

    dismissed: bool | None
    subscription_id: int | None
    offset: int
    limit: int | None


def inbox_items(session: Session, user_id: int, **query: Unpack[InboxQuery]) -> tuple[list[ItemKey], int]:
    """The items the account's subscriptions were alerted about, each once, newest alert
    first, with how many there are before paging. ``dismissed``: only items whose every
    alert is dismissed (True) or that have one not dismissed (False); ``subscription_id``:
    only items that subscription was alerted about; ``offset`` and ``limit``: a page."""
    dismissed, subscription_id = query.get("dismissed"), query.get("subscription_id")
    offset, limit = query.get("offset", 0), query.get("limit")
    newest = func.max(col(Alert.created_at))
    statement = (
        select(col(Alert.item_kind), col(Alert.item_id))
        .join(Subscription, col(Subscription.id) == col(Alert.subscription_id))
        .where(col(Subscription.user_id) == user_id)
        .group_by(col(Alert.item_kind), col(Alert.item_id))
    )
    if dismissed is not None:
        undismissed = func.count() - func.count(col(Alert.dismissed_at))  # count(column) skips nulls
        statement = statement.having(undismissed == 0 if dismissed else undismissed > 0)
    if subscription_id is not None:
        statement = statement.having(func.max(case((col(Alert.subscription_id) == subscription_id, 1), else_=0)) == 1)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    statement = statement.order_by(newest.desc(), func.max(col(Alert.id)).desc()).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return [(kind, item_id) for kind, item_id in session.exec(statement)], total


def account_alerts(session: Session, user_id: int, keys: Iterable[ItemKey]) -> list[tuple[Alert, str | None]]:
    """The alerts of the account's subscriptions on the items ``keys``, newest first, each with
    its subscription's name."""
    keys = set(keys)
    if not keys:
        return []
    rows = session.exec(
        select(Alert, Subscription.name)
        .join(Subscription, col(Subscription.id) == col(Alert.subscription_id))
        .where(col(Subscription.user_id) == user_id, col(Alert.item_id).in_({item_id for _, item_id in keys}))
        .order_by(col(Alert.created_at).desc(), col(Alert.id).desc())
    )
    return [(alert, name) for alert, name in rows if (alert.item_kind, alert.item_id) in keys]


def subscription_by_token(session: Session, token: str) -> Subscription | None:
    return session.exec(select(Subscription).where(Subscription.token == token)).first()


# --- the outbox -----------------------------------------------------------------------------------


def worker_id(tag: str) -> str:
    """``host:pid:tag``: lets a dispatcher on the same host see that a claimer died."""
    return f"{socket.gethostname()}:{os.getpid()}:{tag}"


def _claimer_dead(claimed_by: str | None) -> bool:
    host, _, rest = (claimed_by or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_stale_claims(session: Session, *, now: datetime, lease: timedelta) -> int:
    """Put back to pending the deliveries claimed by a process that died (same host) or whose
    lease ran out: they may have been sent, so they go out at most once more, under the same
    idempotency key. The attempts of what such a process recorded as sent are closed."""
    close_sent_attempts(session)
    released = 0
    for delivery in session.exec(select(Delivery).where(Delivery.status == "sending")):
        if delivery.claimed_at and delivery.claimed_at > now - lease and not _claimer_dead(delivery.claimed_by):
            continue
        released += rows_affected(
            session.execute(
                update(Delivery)
                .where(
                    col(Delivery.id) == delivery.id,
                    col(Delivery.status) == "sending",
                    col(Delivery.claimed_by) == delivery.claimed_by,
                )
                .values(status="pending", last_error="released after its dispatcher stopped")
            )
        )
    return released


def claim_deliveries(session: Session, *, worker: str, now: datetime, limit: int) -> list[Delivery]:
    """Mark up to ``limit`` due pending deliveries as being sent by ``worker`` and open an
    attempt for each; the caller commits before sending.

    One guarded ``UPDATE … WHERE status = 'pending'``: on PostgreSQL its subquery takes rows
    ``FOR UPDATE SKIP LOCKED``, so concurrent dispatchers claim disjoint rows; SQLite runs one
    writer at a time, and the status guard keeps a row from being claimed twice.
    """
    due = (
        select(col(Delivery.id))
        .where(col(Delivery.status) == "pending", col(Delivery.next_attempt_at) <= now)
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
    )
    statement = (
        update(Delivery)
        .where(col(Delivery.id).in_(_skip_locked(session, due).scalar_subquery()), col(Delivery.status) == "pending")
        .values(status="sending", claimed_by=worker, claimed_at=now, attempts=Delivery.attempts + 1)
        .returning(col(Delivery.id))
    )
    ids = list(session.execute(statement).scalars())
    if not ids:
        return []
    session.expire_all()
    deliveries = list(session.exec(select(Delivery).where(col(Delivery.id).in_(ids)).order_by(col(Delivery.id))))
    session.execute(insert(DeliveryAttempt), [{"delivery_id": i, "started_at": now, "ok_": False} for i in ids])
    return deliveries


# Each outcome is recorded on its own, as soon as it is known (a dispatcher killed mid-batch then
# sends again only the message it was sending), on a connection of store.db.quick_commits: the
# statements are built once and run on that plain connection (an ORM session's bulk UPDATE costs
# several times the statement itself). A send, the outcome of nearly every delivery, is one
# UPDATE of its delivery: what tells sent from not sent; its attempt is closed afterwards, for
# a whole batch at once (close_sent_attempts; a killed dispatcher's when its claims are
# released). A failure or a cancellation changes the delivery and closes its attempt together:
# on SQLite two statements in one transaction; on PostgreSQL, where that connection commits each
# statement by itself, one statement (the delivery's UPDATE as a CTE).
Outcome = tuple[list[Update], Update]


def _outcome(**values: Any) -> Outcome:
    delivery = update(Delivery).where(col(Delivery.id) == bindparam("id_")).values(**values)
    attempt = (
        update(DeliveryAttempt)
        .where(col(DeliveryAttempt.finished_at).is_(None))
        .values(finished_at=bindparam("now_"), ok=False, error=bindparam("error_"))
    )
    changed = delivery.returning(col(Delivery.id)).cte("changed")
    return (
        [delivery, attempt.where(col(DeliveryAttempt.delivery_id) == bindparam("id_"))],
        attempt.where(col(DeliveryAttempt.delivery_id).in_(select(changed.c.id))),
    )


_SENT = (
    update(Delivery)
    .where(col(Delivery.id) == bindparam("id_"))
    .values(status="sent", sent_at=bindparam("now_"), last_error=None)
)
_ENDED = _outcome(status=bindparam("status_"), last_error=bindparam("error_"))
_RETRIED = _outcome(status="pending", next_attempt_at=bindparam("retry_at_"), last_error=bindparam("error_"))


def _record(connection: Connection, outcome: Outcome, **params: Any) -> None:
    separate, together = outcome
    for statement in [together] if connection.dialect.name == "postgresql" else separate:
        connection.execute(statement, params)


def record_sent(connection: Connection, delivery_id: int, *, now: datetime) -> None:
    """A delivery sent (its attempt is closed later: :func:`close_sent_attempts`); the caller commits."""
    connection.execute(_SENT, {"id_": delivery_id, "now_": now})


def close_sent_attempts(connection: Connection | Session, delivery_ids: Iterable[int] | None = None) -> None:
    """Close the open attempts of the sent deliveries ``delivery_ids`` (of every sent delivery
    when None), as finished when their delivery was sent."""
    sent = select(col(Delivery.id)).where(col(Delivery.status) == "sent")
    if delivery_ids is not None:
        sent = sent.where(col(Delivery.id).in_(sorted(delivery_ids)))
    sent_at = select(col(Delivery.sent_at)).where(col(Delivery.id) == col(DeliveryAttempt.delivery_id))
    connection.execute(
        update(DeliveryAttempt)
        .where(col(DeliveryAttempt.finished_at).is_(None), col(DeliveryAttempt.delivery_id).in_(sent))
        .values(finished_at=sent_at.scalar_subquery(), ok=True, error=None)
        .execution_options(synchronize_session=False)
    )


def record_failure(
    connection: Connection, delivery_id: int, *, now: datetime, error: str, retry_at: datetime | None
) -> None:
    """A failed attempt: the delivery is retried at ``retry_at``, or dead without one."""
    if retry_at:
        _record(connection, _RETRIED, id_=delivery_id, retry_at_=retry_at, now_=now, error_=error)
    else:
        _record(connection, _ENDED, id_=delivery_id, status_="dead", now_=now, error_=error)


def record_cancelled(connection: Connection, delivery_id: int, *, now: datetime, error: str) -> None:
    """A claimed delivery not sent on purpose: its recipient may no longer receive alerts."""
    _record(connection, _ENDED, id_=delivery_id, status_="cancelled", now_=now, error_=error)


def receiving_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Of the subscriptions ``ids``, those that may receive alerts (see :func:`receiving`)."""
    ids = set(ids)
    if not ids:
        return set()
    return set(session.exec(select(Subscription.id).where(col(Subscription.id).in_(ids), receiving())))


def dead_deliveries(session: Session) -> list[Delivery]:
    return list(session.exec(select(Delivery).where(col(Delivery.status) == "dead").order_by(col(Delivery.id))))


def replay_delivery(session: Session, delivery_id: int, *, now: datetime) -> bool:
    """Give a dead delivery a fresh set of attempts; False when it is not dead or its
    subscription may no longer receive alerts."""
    may_receive = select(Subscription.id).where(Subscription.id == Delivery.subscription_id, receiving())
    return bool(
        rows_affected(
            session.execute(
                update(Delivery)
                .where(col(Delivery.id) == delivery_id, col(Delivery.status) == "dead", exists(may_receive))
                .values(status="pending", attempts=0, next_attempt_at=now, claimed_by=None, claimed_at=None)
            )
        )
    )


def delivery_counts(session: Session) -> dict[str, int]:
    rows = session.execute(text("SELECT status, count(*) FROM delivery GROUP BY status"))
    return dict(rows.all())


def alerts_by_id(session: Session, ids: Iterable[int]) -> dict[int, Alert]:
    ids = set(ids)
    if not ids:
        return {}
    return {a.id: a for a in session.exec(select(Alert).where(col(Alert.id).in_(ids)))}


def subscriptions_by_id(session: Session, ids: Iterable[int]) -> dict[int, Subscription]:
    ids = set(ids)
    if not ids:
        return {}
    return {s.id: s for s in session.exec(select(Subscription).where(col(Subscription.id).in_(ids)))}


TEST_ACTION = "subscription.test"


def record_test_request(session: Session, subscription: Subscription, *, now: datetime) -> None:
    """Note a request for a test message (in the audit log), whether or not any channel took it."""
    session.add(
        AuditEntry(
            at=now,
            user_id=subscription.user_id,
            action=TEST_ACTION,
            target_kind="subscription",
            target_id=str(subscription.id),
        )
    )


def recent_tests(session: Session, subscription_id: int, *, since: datetime) -> int:
    """How many tests were asked for a subscription since ``since``."""
    query = select(func.count()).where(
        col(AuditEntry.action) == TEST_ACTION,
        col(AuditEntry.target_kind) == "subscription",
        col(AuditEntry.target_id) == str(subscription_id),
        col(AuditEntry.at) >= since,
    )
    return session.exec(query).one()


def trusted_subscriptions(session: Session, ids: Iterable[int]) -> set[int]:
    """Of the subscriptions ``ids``, those of the operator (no owner) or of an administrator: they
    may use any channel (``alerts.outbound``)."""
    ids = set(ids)
    if not ids:
        return set()
    query = (
        select(Subscription.id)
        .outerjoin(User, col(User.id) == Subscription.user_id)
        .where(col(Subscription.id).in_(ids), or_(col(Subscription.user_id).is_(None), col(User.role) == "admin"))
    )
    return set(session.exec(query))


def open_items(session: Session, today: date) -> list[ItemKey]:
    """Notifications and standards changes still open for comment (for a catch-up digest)."""
    keys: list[ItemKey] = []
    for kind, model in (("notification", Notification), ("change", StandardsChange)):
        keys += [
            (kind, item_id)
            for item_id in session.exec(select(col(model.id)).where(col(model.comment_deadline) >= today))
        ]
    return keys


def recent_items(session: Session, since: date) -> list[ItemKey]:
    """Items dated ``since`` or later (distribution, publication, or a report's publishing)."""
    keys: list[ItemKey] = [
        ("notification", item_id)
        for item_id in session.exec(select(Notification.id).where(col(Notification.distribution_date) >= since))
    ]
    keys += [
        ("change", item_id)
        for item_id in session.exec(select(StandardsChange.id).where(col(StandardsChange.published_date) >= since))
    ]
    published = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    keys += [
        ("intelligence", item_id)
        for item_id in session.exec(
            select(IntelligenceReport.id).where(
                IntelligenceReport.status == "published", col(IntelligenceReport.published_at) >= published
            )
        )
    ]
    return keys
