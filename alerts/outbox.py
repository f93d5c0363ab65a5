"""The delivery outbox: one row per message and channel, sent by dispatchers that claim rows.

Life of a delivery: ``pending`` → claimed (``sending``, an attempt opened, committed) → sent,
or back to ``pending`` with exponential backoff (``alert_retry_base_seconds`` × 2^(attempt-1)),
or ``dead`` after ``alert_max_attempts`` attempts or a permanent error, for an administrator to
see (``tbtwatch alerts dead``) and replay. Claims commit before anything is sent and each
result is committed as soon as it is known, so a crash leaves in ``sending`` only the one row
being sent (results go through :func:`store.db.quick_commits`: a killed process cannot undo
them, and they cost little beside a send; they are committed on a thread of their own while the
next message starts out, which is handed over only once they are, see :mod:`alerts.outcomes`;
the next batch, claimed and composed meanwhile, is left claimed and unsent): they are released
when the claiming process is gone
(same host) or its lease expired, and sent (once more for the one in flight, with the same idempotency key: e-mail
Message-ID and header, webhook header, for the receiver to drop the duplicate). Two dispatchers never claim the same row (see
:func:`store.queries.alerts.claim_deliveries`).
"""

import hashlib
import json
import logging
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import cycle
from zoneinfo import ZoneInfo

import markupsafe
from sqlalchemy import Engine
from sqlmodel import Session

from alerts import feedback, threads
from alerts.channels import DeliveryError, Message, Senders, channel_type, message_id, webhook_secret
from alerts.confirmation import confirmation_link
from alerts.outcomes import Outcomes
from alerts.render import Entry, Rendered, one_line, render_confirmation, render_message, render_test
from store.db import session_scope
from store.models import Alert, Delivery, Subscription
from store.models.types import utcnow
from store.queries.alerts import (
    AlertItem,
    alerts_by_id,
    claim_deliveries,
    close_sent_attempts,
    insert_ignore,
    load_items,
    receiving_ids,
    recent_tests,
    record_cancelled,
    record_failure,
    record_sent,
    record_test_request,
    release_stale_claims,
    replay_delivery,
    subscriptions_by_id,
    trusted_subscriptions,
    worker_id,
)
from store.queries.threads import choices, threads_of
from store.refusals import Refused
from store.settings import Settings

log = logging.getLogger(__name__)
BATCH = 200
RENDERINGS_KEPT = 1000  # a few tens of kilobytes each
_UNSUBSCRIBE_STAND_IN = "https://unsubscribe.invalid/stand-in"
_NAME_STAND_IN = "https://subscription-name.invalid/"


def channels_of(subscription: Subscription) -> list[str]:
    """Where a subscription's messages go: its e-mail address once confirmed, then its other channels."""
    confirmed = subscription.email and subscription.email_confirmed_at is not None
    channels = [f"mailto:{subscription.email}"] if confirmed else []
    return channels + [c for c in subscription.channels if c not in channels]


def delivery_key(base: str, channel: str) -> str:
    return f"{base}:{hashlib.sha256(channel.encode()).hexdigest()[:16]}"


def alert_key(alert_id: int) -> str:
    return f"alert:{alert_id}"


def delivery_rows(
    subscription: Subscription,
    *,
    kind: str,
    alert_ids: list[int],
    key: str,
    now: datetime,
    channels: list[str] | None = None,
) -> list[dict]:
    """The outbox rows of one message: one per channel of ``subscription`` (or of ``channels``)."""
    return [
        {
            "subscription_id": subscription.id,
            "channel": channel,
            "kind": kind,
            "alert_ids": alert_ids,
            "idempotency_key": delivery_key(key, channel),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for channel in (channels_of(subscription) if channels is None else channels)
    ]


def enqueue(
    session: Session, subscription: Subscription, *, kind: str, alert_ids: list[int], key: str, now: datetime
) -> int:
    """A delivery per channel of ``subscription``; a ``key`` already enqueued adds nothing."""
    rows = delivery_rows(subscription, kind=kind, alert_ids=alert_ids, key=key, now=now)
    return sum(1 for inserted in insert_ignore(session, Delivery, rows) if inserted)


TESTS_PER_HOUR = 3


def enqueue_test(session: Session, *, subscription: Subscription, now: datetime | None = None) -> int:
    """Queue a test message to every channel of ``subscription`` (each request its own, under a
    fresh idempotency key), sent, retried and recorded like any delivery; the caller commits.
    How many deliveries it made: none when the subscription or its account may not receive
    alerts. At most :data:`TESTS_PER_HOUR` requests an hour per subscription (``Refused``, 429):
    a test is mail to someone, and must not become a way to flood them."""
    now = now or utcnow()
    if recent_tests(session, subscription.id, since=now - timedelta(hours=1)) >= TESTS_PER_HOUR:
        raise Refused("test_too_often", status=429, limit=TESTS_PER_HOUR)
    record_test_request(session, subscription, now=now)
    if subscription.id not in receiving_ids(session, [subscription.id]):
        return 0
    return enqueue(
        session,
        subscription,
        kind="test",
        alert_ids=[],
        key=f"test:{subscription.id}:{uuid.uuid4().hex}",
        now=now,
    )


def enqueue_confirmation(session: Session, subscription: Subscription, *, now: datetime) -> None:
    """Queue the one message asking the owner of the subscription's (new) e-mail address to confirm
    it; asking again for the same address adds nothing."""
    channels = [f"mailto:{subscription.email}"]
    rows = delivery_rows(
        subscription, kind="confirm", alert_ids=[], key=f"confirm:{subscription.id}", now=now, channels=channels
    )
    insert_ignore(session, Delivery, rows)


def _compose(
    session: Session, deliveries: list[Delivery], settings: Settings, now: datetime, rendered: dict[tuple, "_Shared"]
) -> dict[int, Message | DeliveryError]:
    """The message of each delivery, or why there is none. ``rendered`` keeps shared renderings
    from one batch to the next (up to :data:`RENDERINGS_KEPT`)."""
    if len(rendered) > RENDERINGS_KEPT:
        rendered.clear()
    alerts = alerts_by_id(session, (i for d in deliveries for i in d.alert_ids))
    alerts |= alerts_by_id(session, (a.follows_alert_id for a in alerts.values() if a.follows_alert_id))
    items = load_items(session, {(a.item_kind, a.item_id) for a in alerts.values()})
    subscriptions = subscriptions_by_id(session, (d.subscription_id for d in deliveries))
    others = subscriptions_by_id(session, {a.subscription_id for a in alerts.values()} - subscriptions.keys())
    names = {s.id: s.name or f"#{s.id}" for s in [*subscriptions.values(), *others.values()]}
    trusted = trusted_subscriptions(session, subscriptions)
    may_receive = receiving_ids(session, subscriptions)
    messages: dict[int, Message | DeliveryError] = {}
    for delivery in deliveries:
        subscription = subscriptions.get(delivery.subscription_id)
        if subscription is None or subscription.id not in may_receive:
            messages[delivery.id] = DeliveryError(
                "cancelled: the subscription or its account was ended or deactivated", cancelled=True
            )
            continue
        entries = _entries(delivery, alerts, items, names)
        if not entries and delivery.kind not in ("test", "confirm"):
            messages[delivery.id] = DeliveryError("its items are gone", permanent=True)
            continue
        try:
            message = _message(delivery, subscription, entries, settings, now, rendered)
            message.trusted = subscription.id in trusted
            messages[delivery.id] = message
        except Exception as error:  # a rendering bug must not stop the other deliveries
            log.exception("cannot render delivery %s", delivery.id)
            messages[delivery.id] = DeliveryError(f"rendering failed: {type(error).__name__}: {error}")
    return messages


def _entries(
    delivery: Delivery, alerts: dict[int, Alert], items: dict[tuple[str, int], AlertItem], names: dict[int, str]
) -> list[Entry]:
    """What a delivery tells: each item once, with the alerts of each of the person's
    subscriptions on it."""
    entries: dict[tuple[str, int], Entry] = {}
    for alert_id in delivery.alert_ids:
        alert = alerts.get(alert_id)
        item = items.get((alert.item_kind, alert.item_id)) if alert else None
        if alert is None or item is None:
            continue
        name = names.get(alert.subscription_id, "")
        if item.key in entries:
            entries[item.key].also.append((name, alert))
            continue
        first = alerts.get(alert.follows_alert_id) if alert.follows_alert_id else None
        entries[item.key] = Entry(
            alert, item, items.get((first.item_kind, first.item_id)) if first else None, name=name
        )
    return list(entries.values())


@dataclass
class _Shared:
    """A rendering shared by many subscribers, its texts (text, HTML, payload JSON) cut once
    at their stand-ins (literal, stand-in, literal, …): each subscriber's message is then a
    join of its own links, not a scan of every text for each."""

    subject: str
    parts: list[list[str]]
    stand_ins: list[str]

    @classmethod
    def of(cls, rendered: Rendered) -> "_Shared":
        texts = [rendered.text, rendered.html, json.dumps(rendered.payload, ensure_ascii=False)]
        parts = [_cut(text) for text in texts]
        return cls(rendered.subject, parts, sorted({p for cut in parts for p in cut[1::2]}))

    def texts(self, links: dict[str, str], names: list[str], *, payload: bool) -> list[str]:
        """The text, the HTML and, when ``payload``, the payload JSON, with ``links`` in place
        of their stand-ins and the subscription names ``names`` in place of theirs, each
        written as its text needs (as is, HTML-escaped, inside a JSON string)."""
        texts = []
        for cut, write in zip(self.parts[: 3 if payload else 2], _WRITERS, strict=False):
            own = links | {f"{_NAME_STAND_IN}{n}": write(one_line(name, 60)) for n, name in enumerate(names)}
            texts.append("".join(own[p] if odd else p for odd, p in zip(cycle((False, True)), cut)))
        return texts


# how a name goes into the text, the HTML and the payload JSON of a message
_WRITERS: tuple[Callable[[str], str], ...] = (
    str,
    lambda name: str(markupsafe.escape(name)),
    lambda name: json.dumps(name, ensure_ascii=False)[1:-1],
)


# every stand-in a shared rendering may hold
_STAND_INS = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            feedback.STAND_INS.pattern,
            threads.STAND_INS.pattern,
            re.escape(_UNSUBSCRIBE_STAND_IN),
            re.escape(_NAME_STAND_IN) + r"\d+",
        )
    )
)


def _cut(text: str) -> list[str]:
    """``text`` as literal, stand-in, literal, …, literal."""
    parts, at = [], 0
    for match in _STAND_INS.finditer(text):
        parts += [text[at : match.start()], match.group(0)]
        at = match.end()
    return [*parts, text[at:]]


def _name_stand_in(names: list[str], name: str | None) -> str:
    names.append(name or "")
    return f"{_NAME_STAND_IN}{len(names) - 1}"


def _message(
    delivery: Delivery,
    subscription: Subscription,
    entries: list[Entry],
    settings: Settings,
    now: datetime,
    rendered: dict[tuple, _Shared],
) -> Message:
    """The message of one delivery. One item usually goes to many subscribers for the same
    reasons: such messages are rendered once (``rendered`` holds them for a batch) with
    stand-in links (unsubscribe, feedback, thread), replaced for each subscriber. A test
    message is the subscriber's own."""
    names: list[str] = []
    if delivery.kind == "test":
        shared = _Shared.of(
            render_test(subscription, base_url=settings.base_url, unsubscribe_url=_UNSUBSCRIBE_STAND_IN)
        )
    elif delivery.kind == "confirm":
        link = confirmation_link(settings.base_url, settings.secret_key, subscription)
        shared = _Shared.of(render_confirmation(subscription, base_url=settings.base_url, link=link))
    else:
        # The names of the person's subscriptions that a merged message gives its reasons
        # under are the person's own: rendered as stand-ins too, the message is shared.
        entries = [
            replace(e, name=_name_stand_in(names, e.name), also=[(_name_stand_in(names, n), a) for n, a in e.also])
            if e.also
            else e
            for e in entries
        ]
        today = now.astimezone(zone_of(subscription.timezone)).date()
        period = subscription.frequency if delivery.kind == "digest" else None
        content = (
            delivery.kind,
            subscription.language,
            today,
            period,
            tuple(subscription.sectors),
            tuple(
                (
                    e.item.key,
                    e.alert.reason,
                    json.dumps(e.alert.why, sort_keys=True),
                    e.original.key if e.original else None,
                    tuple((alert.reason, json.dumps(alert.why, sort_keys=True)) for _, alert in e.also),
                )
                for e in entries
            ),
        )
        if content not in rendered:
            rendered[content] = _Shared.of(
                render_message(
                    delivery.kind,
                    subscription,
                    entries,
                    today=today,
                    base_url=settings.base_url,
                    period=period,
                    unsubscribe_url=_UNSUBSCRIBE_STAND_IN,
                )
            )
        shared = rendered[content]
    unsubscribe_url = f"{settings.base_url.rstrip('/')}/unsubscribe/{subscription.token}"
    replied = entries[0].alert.follows_alert_id if delivery.kind in ("follow-up", "reminder") else None
    own = [s for s in shared.stand_ins if s != _UNSUBSCRIBE_STAND_IN and not s.startswith(_NAME_STAND_IN)]
    links = dict(
        zip(
            own,
            feedback.personalise(
                threads.personalise(
                    own, subscription=subscription, base_url=settings.base_url, secret=settings.secret_key
                ),
                subscription_id=subscription.id,
                nonce=delivery.idempotency_key,
                base_url=settings.base_url,
                secret=settings.secret_key,
                subscription_of={
                    e.item.key: [e.alert.subscription_id, *(a.subscription_id for _, a in e.also)] for e in entries
                },
            ),
            strict=True,
        )
    )
    # only webhooks send the payload (and sign with the secret): not made for the others
    webhook = channel_type(delivery.channel) == "webhook"
    text, html, *payload = shared.texts(links | {_UNSUBSCRIBE_STAND_IN: unsubscribe_url}, names, payload=webhook)
    return Message(
        subject=shared.subject,
        text=text,
        html=html,
        payload=json.loads(payload[0])
        | {"subscription_id": subscription.id, "idempotency_key": delivery.idempotency_key}
        if webhook
        else {},
        idempotency_key=delivery.idempotency_key,
        message_id=message_id(delivery.idempotency_key, settings.mail_from),
        in_reply_to=message_id(delivery_key(alert_key(replied), delivery.channel), settings.mail_from)
        if replied
        else None,
        unsubscribe_url=unsubscribe_url,
        webhook_secret=webhook_secret(settings.secret_key, subscription.token) if webhook else "",
    )


def zone_of(name: str) -> ZoneInfo:
    """The time zone called ``name``; UTC when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def retry_at(attempts: int, now: datetime, settings: Settings) -> datetime | None:
    """When to try again after ``attempts`` failed attempts; None once they are used up."""
    if attempts >= settings.alert_max_attempts:
        return None
    return now + timedelta(seconds=settings.alert_retry_base_seconds * 2 ** (attempts - 1))


def send_due(
    engine: Engine,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    senders: Senders | None = None,
    batch: int = BATCH,
) -> Counter:
    """Send every due delivery; returns how many were sent, retried and dead."""
    counts: Counter = Counter()
    worker = worker_id(uuid.uuid4().hex[:8])
    with session_scope(engine) as session:
        counts["released"] = release_stale_claims(
            session, now=clock(), lease=timedelta(seconds=settings.alert_claim_lease_seconds)
        )
    rendered: dict[tuple, _Shared] = {}

    def next_batch() -> tuple[list[Delivery], dict[int, Message | DeliveryError]]:
        with session_scope(engine) as session:
            deliveries = claim_deliveries(session, worker=worker, now=clock(), limit=batch)
        if not deliveries:
            return [], {}
        with session_scope(engine) as session:
            return deliveries, _compose(session, deliveries, settings, clock(), rendered)

    # The next batch is claimed and composed on a thread of its own while this one is sent, so
    # its CPU overlaps the waits for the receiving servers' answers (bench/alerts.py: composing
    # was about two thirds of the outbox's own CPU a message). A dispatcher killed meanwhile
    # leaves that batch claimed and unsent, released as any claim of a gone process.
    with (
        senders or Senders(settings) as channel_senders,
        Outcomes(engine) as outcomes,
        ThreadPoolExecutor(1, thread_name_prefix="compose") as ahead,
    ):
        upcoming = ahead.submit(next_batch)
        while True:
            deliveries, messages = upcoming.result()
            if not deliveries:
                break
            upcoming = ahead.submit(next_batch)
            # Each outcome is committed as soon as it is known, and before the next message can be
            # taken: a dispatcher killed mid-batch leaves at most the one message it was sending to
            # go out again (see alerts.outcomes).
            for delivery in deliveries:
                error = _send(channel_senders, delivery, messages[delivery.id], ready=outcomes.wait)
                now = clock()
                if error is None:
                    outcomes.record(record_sent, delivery.id, now=now)
                    counts["sent"] += 1
                elif error.cancelled:
                    outcomes.record(record_cancelled, delivery.id, now=now, error=str(error))
                    counts["cancelled"] += 1
                else:
                    later = None if error.permanent else retry_at(delivery.attempts, now, settings)
                    outcomes.record(record_failure, delivery.id, now=now, error=str(error), retry_at=later)
                    counts["retried" if later else "dead"] += 1
            outcomes.record(close_sent_attempts, [d.id for d in deliveries])
    return counts


def _send(
    senders: Senders, delivery: Delivery, message: Message | DeliveryError, *, ready: Callable[[], None]
) -> DeliveryError | None:
    """Send one delivery (``ready``: see :meth:`Senders.send`); why it failed, or None."""
    try:
        if isinstance(message, DeliveryError):
            raise message
        senders.send(delivery.channel, message, ready=ready)
        return None
    except DeliveryError as error:
        return error
    except Exception as error:  # a bug or an unexpected library error: retry later
        log.exception("delivery %s failed", delivery.id)
        return DeliveryError(f"{type(error).__name__}: {error}")


def replay(engine: Engine, delivery_id: int, *, now: datetime | None = None) -> bool:
    """Put a dead delivery back in the queue with fresh attempts."""
    with session_scope(engine) as session:
        return replay_delivery(session, delivery_id, now=now or utcnow())


def channel_key(channel: str) -> str:
    """A channel as the same recipient whatever its spelling (e-mail addresses fold case)."""
    return channel.lower() if channel.lower().startswith("mailto:") else channel


def people(subscriptions: Iterable[Subscription]) -> dict[int, int]:
    """Subscription id → the person it belongs to (the smallest subscription id of the
    person): subscriptions of one account, or sharing an address or channel URL, are one
    person, transitively."""
    parent: dict[int, int] = {}

    def find(sid: int) -> int:
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    owner: dict[tuple[str, object], int] = {}
    for subscription in sorted(subscriptions, key=lambda s: s.id or 0):
        sid = subscription.id or 0
        parent.setdefault(sid, sid)
        marks: list[tuple[str, object]] = [("channel", channel_key(c)) for c in channels_of(subscription)]
        marks += [("user", subscription.user_id)] if subscription.user_id is not None else []
        for mark in marks:
            other = owner.setdefault(mark, sid)
            first, second = sorted((find(sid), find(other)))
            parent[second] = first
    return {sid: find(sid) for sid in parent}


def person_deliveries(
    alerts: list[tuple[int, Subscription]], *, sending: set[int], kind: str, now: datetime
) -> list[dict]:
    """The outbox rows of one message telling one person about one item: one per channel of
    the ``sending`` subscriptions among ``alerts`` (alert id, its subscription), each
    carrying every alert (so the reasons of every subscription that matched), under the
    subscription that first has that channel."""
    alert_ids = sorted(alert_id for alert_id, _ in alerts)
    rows, seen = [], set()
    for _, subscription in sorted(alerts, key=lambda pair: pair[1].id or 0):
        if subscription.id not in sending:
            continue
        for row in delivery_rows(subscription, kind=kind, alert_ids=alert_ids, key=alert_key(alert_ids[0]), now=now):
            if channel_key(row["channel"]) not in seen:
                seen.add(channel_key(row["channel"]))
                rows.append(row)
    return rows


def receivable(session: Session, rows: list[dict], subscriptions: dict[int, Subscription]) -> list[dict]:
    """The alert rows whose subscription is active and whose account has not muted the item's
    thread (subscriptions of accounts not active are never in ``subscriptions``)."""
    rows = [row for row in rows if subscriptions[row["subscription_id"]].active]
    owners = {row["subscription_id"]: subscriptions[row["subscription_id"]].user_id for row in rows}
    if not any(owner is not None for owner in owners.values()):
        return rows
    threads = threads_of(session, {(row["item_kind"], row["item_id"]) for row in rows})
    chosen = choices(session, [owner for owner in owners.values() if owner is not None], threads.values())
    muted = {key for key, choice in chosen.items() if choice == "mute"}
    return [
        row
        for row in rows
        if (owners[row["subscription_id"]], threads.get((row["item_kind"], row["item_id"]))) not in muted
    ]


def add_alerts(
    session: Session,
    rows: list[dict],
    subscriptions: dict[int, Subscription],
    *,
    kind: str,
    now: datetime,
    digest_too: bool = False,
) -> int:
    """Insert alert rows (each once per subscription, item and reason) and enqueue their
    deliveries: one message per person, item and channel of the person's immediate
    subscriptions (all of them when ``digest_too``), carrying the alerts of all the person's
    subscriptions on that item; a few multi-row statements however many there are. Rows
    for people who may no longer receive alerts, or who muted the item's thread, are
    dropped first. The alerts made."""
    rows = receivable(session, rows, subscriptions)
    alert_ids = insert_ignore(session, Alert, [{"created_at": now, **row} for row in rows])
    made = [(row, alert_id) for row, alert_id in zip(rows, alert_ids, strict=True) if alert_id is not None]
    person = people([subscriptions[sid] for sid in {row["subscription_id"] for row, _ in made}])
    messages: dict[tuple, list[tuple[int, Subscription]]] = defaultdict(list)
    for row, alert_id in made:
        subscription = subscriptions[row["subscription_id"]]
        messages[(person[subscription.id], row["item_kind"], row["item_id"])].append((alert_id, subscription))
    deliveries = []
    for alerts in messages.values():
        sending = {s.id for _, s in alerts if digest_too or s.frequency == "immediate"}
        deliveries += person_deliveries(alerts, sending=sending, kind=kind, now=now)
    insert_ignore(session, Delivery, deliveries)
    return len(made)
