"""Subscriptions, the one way in: checking, making, changing, pausing and ending them, for
the pages, the API and the CLI alike; and the one-off catch-up digest of a new one.

:func:`checked` is the one validation. It takes the fields as a page, the API or the CLI
gives them (strings or lists of strings; numbers where JSON has them) and either returns
them in canonical form (members as register codes, codes normalised, reminder days sorted)
or raises a :class:`store.refusals.Refused` (mostly :class:`SubscriptionError`) whose message
exists in Chinese and English (``service.refusals.REFUSALS`` in the message catalogue).

A subscription gets a random ``token``: the secret part of its feed and unsubscribe URLs
and, through :func:`alerts.channels.webhook_secret`, the key its webhooks are signed with.
"""

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Unpack
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select, update

from alerts.channels import channel_type, valid_channel
from alerts.confirmation import code_matches
from alerts.matching import SubscriptionIndex
from alerts.outbound import channel_refusal
from alerts.outbox import enqueue, enqueue_confirmation
from nlp.catalogue import DEFAULT_EDITION, load_edition
from nlp.codes import normalise_ics
from store.members import resolve_member
from store.models import (
    FREQUENCIES,
    ITEM_KINDS,
    URGENCY_LEVELS,
    WEEKDAYS,
    Alert,
    Subscription,
    SubscriptionCreate,
    User,
)
from store.models.types import utcnow
from store.queries.alerts import (
    InboxQuery,
    account_alerts,
    cancel_pending,
    inbox_items,
    insert_ignore,
    load_items,
    open_items,
    subscription_by_token,
)
from store.refusals import Refused, Term

LANGUAGES = ("zh", "en")
COMMITTEES = ("TBT", "SPS")
TOKEN_BYTES = 32
FIELDS = tuple(SubscriptionCreate.model_fields)
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
_HS = re.compile(r"\d+(\.\d+)*")
_HS_SPACED = re.compile(r"\d+(\s+\d+)+")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# most entries a list may hold, and the longest entry
_LIMITS = {
    "channels": 20,
    "sectors": 50,
    "hs_prefixes": 200,
    "ics_prefixes": 200,
    "members": 200,
    "committees": 2,
    "kinds": len(ITEM_KINDS),
    "keywords": 100,
    "reminder_days": 10,
}
_ENTRY_CHARS = {"channels": 2000, "email": 320, "name": 200}
_DEFAULT_ENTRY_CHARS = 200


class SubscriptionError(Refused):
    """A subscription that cannot work as given; ``field`` says which input is wrong."""


def _refuse(key: str, field: str, **values: object) -> SubscriptionError:
    error = SubscriptionError(key, field=field)
    error.values = values
    return error


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _entries(fields: Mapping[str, Any], name: str) -> list[str]:
    value = fields.get(name) or []
    entries = [_text(v) for v in ([value] if isinstance(value, str) else value)]
    entries = [entry for entry in entries if entry]
    if len(entries) > _LIMITS[name]:
        raise _refuse("too_many", name, field_name=Term(name), limit=_LIMITS[name])
    limit = _ENTRY_CHARS.get(name, _DEFAULT_ENTRY_CHARS)
    if any(len(entry) > limit for entry in entries):
        raise _refuse("entry_too_long", name, field_name=Term(name), limit=limit)
    return entries


def _choice(fields: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _text(fields.get(name)).lower() or default
    if value not in allowed:
        raise _refuse(name, name, value=_text(fields.get(name)))
    return value


def hs_codes(entries: list[str], field: str = "hs_prefixes") -> list[str]:
    """HS codes or prefixes as typed (2 to 10 digits, dots allowed: 8507.60) made digits only;
    :class:`Refused` naming those that are not, and "85 07" is asked about, not read as two
    chapters. Subscriptions and intelligence reports share this rule."""
    for entry in entries:
        if _HS_SPACED.fullmatch(entry):
            parts = entry.split()
            raise Refused("hs_spaced", field=field, code=entry, joined="".join(parts), listed=", ".join(parts))
    bad = [e for e in entries if not _HS.fullmatch(e) or not 2 <= len(e.replace(".", "")) <= 10]
    if bad:
        raise Refused("hs_prefix", field=field, codes=bad)
    return [entry.replace(".", "") for entry in entries]


def _reminder_days(fields: Mapping[str, Any]) -> list[int]:
    value = fields.get("reminder_days")
    if value is None:
        return [14, 3]
    entries = [_text(v) for v in ([value] if isinstance(value, str | int) else value)]
    entries = [e for e in entries if e]
    days = [int(e) for e in entries if re.fullmatch(r"\d{1,3}", e) and 1 <= int(e) <= 365]
    if len(days) < len(entries):
        raise _refuse(
            "reminder_days", "reminder_days", values=[e for e in entries if not (e.isdigit() and int(e) in days)]
        )
    if len(set(days)) > _LIMITS["reminder_days"]:
        raise _refuse("too_many", "reminder_days", field_name=Term("reminder_days"), limit=_LIMITS["reminder_days"])
    return sorted(set(days), reverse=True)


def _trusted(owner: User | None) -> bool:
    """The operator (no account: the CLI) and administrators may use any channel."""
    return owner is None or owner.role == "admin"


def checked(fields: Mapping[str, Any] | SubscriptionCreate, *, trusted: bool = False) -> SubscriptionCreate:
    """The one validation of a subscription: ``fields`` in canonical form, or
    :class:`SubscriptionError` for the first thing wrong. Fields left out take their defaults.
    Only a ``trusted`` subscriber may use channels beyond the documented ones
    (:mod:`alerts.outbound`)."""
    if isinstance(fields, SubscriptionCreate):
        fields = fields.model_dump()
    name = _text(fields.get("name")) or None
    if name is not None and len(name) > _ENTRY_CHARS["name"]:
        raise _refuse("entry_too_long", "name", field_name=Term("name"), limit=_ENTRY_CHARS["name"])
    email = _text(fields.get("email")) or None
    if email is not None and (len(email) > _ENTRY_CHARS["email"] or not _EMAIL.fullmatch(email)):
        raise _refuse("email", "email", email=email)
    channels = _entries(fields, "channels")
    mailto = [c for c in channels if channel_type(c) == "email"]
    if mailto:
        raise _refuse("channel_mailto", "channels", channels=mailto)
    unusable = [c for c in channels if not valid_channel(c)]
    if unusable:
        raise _refuse("channel", "channels", channels=unusable)
    for channel in channels:
        refusal = channel_refusal(channel, trusted=trusted)
        if refusal is not None:
            raise _refuse("channel_not_allowed", "channels", reason=refusal)
    if email is None and not channels:
        raise _refuse("nowhere", "email")
    sectors = [s.upper() for s in _entries(fields, "sectors")]
    known = set(load_edition(DEFAULT_EDITION).codes)
    unknown = [s for s in sectors if s not in known]
    if unknown:
        raise _refuse("sector", "sectors", codes=unknown)
    members = []
    for entry in _entries(fields, "members"):
        member = resolve_member(entry)
        if member is None:
            raise _refuse("member", "members", name=entry)
        members.append(member.code)
    ics = _entries(fields, "ics_prefixes")
    bad_ics = [code for code in ics if normalise_ics(code) is None]
    if bad_ics:
        raise _refuse("ics_prefix", "ics_prefixes", codes=bad_ics)
    committees = [c.upper() for c in _entries(fields, "committees")]
    if not set(committees) <= set(COMMITTEES):
        raise _refuse("committee", "committees", values=[c for c in committees if c not in COMMITTEES])
    kinds = [k.lower() for k in _entries(fields, "kinds")]
    if not set(kinds) <= set(ITEM_KINDS):
        raise _refuse("kind", "kinds", values=[k for k in kinds if k not in ITEM_KINDS])
    deliver_at = _text(fields.get("deliver_at")) or "08:00"
    if not _TIME.fullmatch(deliver_at):
        raise _refuse("deliver_at", "deliver_at", value=deliver_at)
    timezone = _text(fields.get("timezone")) or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise _refuse("timezone", "timezone", value=timezone) from error
    return SubscriptionCreate(
        name=name,
        email=email,
        channels=channels,
        sectors=list(dict.fromkeys(sectors)),
        members=list(dict.fromkeys(members)),
        hs_prefixes=list(dict.fromkeys(hs_codes(_entries(fields, "hs_prefixes")))),
        ics_prefixes=list(dict.fromkeys(ics)),
        committees=list(dict.fromkeys(committees)),
        kinds=list(dict.fromkeys(kinds)),
        keywords=list(dict.fromkeys(_entries(fields, "keywords"))),
        min_urgency=_choice(fields, "min_urgency", URGENCY_LEVELS, "low"),
        frequency=_choice(fields, "frequency", FREQUENCIES, "immediate"),
        weekday=_choice(fields, "weekday", WEEKDAYS, "mon"),
        language=_choice(fields, "language", LANGUAGES, "zh"),
        deliver_at=deliver_at,
        timezone=timezone,
        reminder_days=_reminder_days(fields),
    )


def create_subscription(
    session: Session,
    fields: Mapping[str, Any] | SubscriptionCreate,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> Subscription:
    """Check and store a subscription; it hears of items that arrive from now on. The caller
    commits. :class:`SubscriptionError` when it cannot work as given."""
    now = now or utcnow()
    owner = session.get(User, user_id) if user_id is not None else None
    subscription = Subscription(
        **checked(fields, trusted=_trusted(owner)).model_dump(),
        user_id=user_id,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    _confirm_or_ask(session, subscription, owner, now)
    return subscription


def _confirm_or_ask(session: Session, subscription: Subscription, owner: User | None, now: datetime) -> None:
    """An account's own address (or any the operator gives) is confirmed at once; another one
    receives nothing but one message asking its owner to confirm it (:func:`confirm_email`)."""
    if not subscription.email:
        subscription.email_confirmed_at = None
    elif owner is None or subscription.email.casefold() == owner.email.casefold():
        subscription.email_confirmed_at = now
    else:
        subscription.email_confirmed_at = None
        enqueue_confirmation(session, subscription, now=now)
    session.add(subscription)


def confirm_email(
    session: Session, subscription_id: int, code: str, *, secret_key: str, now: datetime | None = None
) -> Subscription | None:
    """Confirm a subscription's address from the link sent to it; None when the link is not (or no
    longer) right, as after the address changed. Confirming twice changes nothing; the caller commits."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or not subscription.email or not code_matches(secret_key, subscription, code):
        return None
    if subscription.email_confirmed_at is None:
        subscription.email_confirmed_at = now or utcnow()
        session.add(subscription)
    return subscription


def update_subscription(
    session: Session, subscription: Subscription, changes: Mapping[str, Any], *, now: datetime | None = None
) -> Subscription:
    """Change some fields (the rest stay), checked as a whole like a new subscription; the
    caller commits. :class:`SubscriptionError`, with nothing changed, when the result cannot work."""
    current = {name: getattr(subscription, name) for name in FIELDS}
    owner = session.get(User, subscription.user_id) if subscription.user_id is not None else None
    changed = current | {name: value for name, value in changes.items() if name in FIELDS}
    result = checked(changed, trusted=_trusted(owner))
    new_address = (result.email or "").casefold() != (subscription.email or "").casefold()
    for name, value in result.model_dump().items():
        setattr(subscription, name, value)
    subscription.updated_at = now or utcnow()
    session.add(subscription)
    if new_address:
        _confirm_or_ask(session, subscription, owner, subscription.updated_at)
    return subscription


def set_active(
    session: Session, subscription: Subscription, active: bool, *, now: datetime | None = None
) -> Subscription:
    """Pause or end (``False``) or resume (``True``) a subscription; the caller commits.
    Stopping it cancels its deliveries not yet sent at once (recorded as cancelled); resuming
    sends nothing of what was held back (nothing was matched for it meanwhile, and its next
    digest covers only what comes after)."""
    now = now or utcnow()
    if active != subscription.active:
        subscription.active, subscription.updated_at = active, now
        if active:
            subscription.last_digest_at = now
        else:
            cancel_pending(session, subscription_ids=[subscription.id or 0])
        session.add(subscription)
    return subscription


def delete_subscription(session: Session, subscription: Subscription) -> None:
    """End a subscription for good, with its alerts and deliveries; the caller commits."""
    session.delete(subscription)


def own_subscription(session: Session, user_id: int | None, subscription_id: int) -> Subscription | None:
    """The subscription ``subscription_id`` when ``user_id`` owns it; None otherwise, as if it
    did not exist."""
    subscription = session.get(Subscription, subscription_id)
    return subscription if subscription is not None and subscription.user_id == user_id else None


def subscriptions_of(session: Session, user_id: int | None) -> list[Subscription]:
    """Someone's subscriptions, oldest first (not the one carrying the threads they follow)."""
    statement = (
        select(Subscription)
        .where(Subscription.user_id == user_id, Subscription.purpose == "alerts")
        .order_by(col(Subscription.id))
    )
    return list(session.exec(statement))


def own_alert(session: Session, user_id: int | None, alert_id: int) -> Alert | None:
    """Alert ``alert_id`` when it went to a subscription of ``user_id``; None otherwise."""
    alert = session.get(Alert, alert_id)
    owner = session.get(Subscription, alert.subscription_id) if alert is not None else None
    return alert if owner is not None and owner.user_id == user_id else None


@dataclass
class InboxEntry:
    """One item in an account's inbox: every alert of the account's subscriptions on it (with
    the subscription's name), newest first. Several subscriptions matching one item make one
    entry with the reasons of each, as the person got one message."""

    alerts: list[tuple[Alert, str | None]]

    @property
    def alert(self) -> Alert:
        """The newest alert: the entry's id, time and what dismissing it takes."""
        return self.alerts[0][0]

    @property
    def names(self) -> list[str]:
        """The names of the subscriptions that alerted the item, each once, oldest subscription first."""
        told = sorted(self.alerts, key=lambda pair: pair[0].subscription_id)
        return list(dict.fromkeys(name for _, name in told if name))

    @property
    def told(self) -> list[tuple[str, Alert]]:
        """Each alert with its subscription's name (an unnamed one's "#id", as messages call
        it), oldest subscription first: what :func:`alerts.render.why_told` reads."""
        ordered = sorted(self.alerts, key=lambda pair: pair[0].subscription_id)
        return [(name or f"#{alert.subscription_id}", alert) for alert, name in ordered]

    @property
    def dismissed_at(self) -> datetime | None:
        """When the item was dismissed; None while one of its alerts is not."""
        moments = [alert.dismissed_at for alert, _ in self.alerts]
        return None if None in moments else max(m for m in moments if m is not None)


def inbox(session: Session, user_id: int, **query: Unpack[InboxQuery]) -> tuple[list[InboxEntry], int]:
    """An account's inbox, one entry per item, newest first, and how many entries there are
    before paging (filters: :func:`store.queries.alerts.inbox_items`): the inbox page and
    ``GET /api/v1/alerts`` alike."""
    keys, total = inbox_items(session, user_id, **query)
    return inbox_entries(session, user_id, keys), total


def inbox_entries(session: Session, user_id: int, keys: list[tuple[str, int]]) -> list[InboxEntry]:
    """The inbox entries of the items ``keys`` (each alerted to the account), in that order."""
    alerts: dict[tuple[str, int], list[tuple[Alert, str | None]]] = {key: [] for key in keys}
    for alert, name in account_alerts(session, user_id, keys):
        alerts[(alert.item_kind, alert.item_id)].append((alert, name))
    return [InboxEntry(told) for told in alerts.values() if told]


def dismiss_alert(session: Session, alert: Alert, *, now: datetime | None = None) -> Alert:
    """Mark an alert read-and-done in its owner's inbox (the first time counts), and with it the
    owner's other alerts on the same item (the inbox lists an item once); the caller commits."""
    now = now or utcnow()
    alert.dismissed_at = alert.dismissed_at or now
    session.add(alert)
    owner = session.get(Subscription, alert.subscription_id)
    if owner is not None and owner.user_id is not None:
        session.exec(
            update(Alert)
            .where(
                col(Alert.item_kind) == alert.item_kind,
                col(Alert.item_id) == alert.item_id,
                col(Alert.subscription_id).in_(select(Subscription.id).where(Subscription.user_id == owner.user_id)),
                col(Alert.dismissed_at).is_(None),
            )
            .values(dismissed_at=now)
        )
    return alert


def catch_up(session: Session, subscription: Subscription, *, now: datetime | None = None) -> int:
    """A one-off digest of the items still open for comment that match a (new) subscription;
    how many items it holds."""
    now = now or utcnow()
    index = SubscriptionIndex([subscription])
    rows = [
        {
            "subscription_id": subscription.id,
            "item_kind": item.kind,
            "item_id": item.id,
            "reason": "catch-up",
            "why": why,
            "created_at": now,
        }
        for item in load_items(session, open_items(session, now.date())).values()
        for why in index.match(item).values()
    ]
    insert_ignore(session, Alert, rows)
    alert_ids = sorted(
        session.exec(select(Alert.id).where(Alert.subscription_id == subscription.id, Alert.reason == "catch-up"))
    )
    if alert_ids:
        enqueue(session, subscription, kind="catch-up", alert_ids=alert_ids, key=f"catch-up:{subscription.id}", now=now)
    return len(alert_ids)


def unsubscribe(session: Session, token: str) -> Subscription | None:
    """End a subscription by its secret token (idempotent); None when no subscription has it."""
    subscription = subscription_by_token(session, token)
    if subscription is not None:
        set_active(session, subscription, False)
    return subscription


def set_account_active(session: Session, user: User, active: bool, *, now: datetime | None = None) -> int:
    """Deactivate or reactivate an account; the caller commits. Deactivating cancels its
    deliveries not yet sent at once (recorded as cancelled) and stops every later one (new
    alerts, digests, reminders, follow-ups, tests and replays, all of which skip accounts not
    active). Reactivating releases nothing held back: its digests start from the
    reactivation and the threads it was alerted about send no more reminders. How many
    deliveries were cancelled."""
    now = now or utcnow()
    if active == user.active:
        return 0
    user.active = active
    session.add(user)
    if active:
        for subscription in session.exec(select(Subscription).where(Subscription.user_id == user.id)):
            subscription.last_digest_at = now
            session.add(subscription)
        session.exec(
            update(Alert)
            .where(
                col(Alert.subscription_id).in_(select(Subscription.id).where(Subscription.user_id == user.id)),
                col(Alert.dismissed_at).is_(None),
                col(Alert.created_at) < now,
            )
            .values(dismissed_at=now)
        )
        return 0
    return cancel_pending(session, user_id=user.id)
