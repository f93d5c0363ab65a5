"""Making, checking and ending subscriptions; the one-off catch-up digest of a new one.

A subscription gets a random ``token``: the secret part of its feed and unsubscribe URLs
and, through :func:`alerts.channels.webhook_secret`, the key its webhooks are signed with.
"""

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from alerts.channels import channel_type, valid_channel
from alerts.matching import SubscriptionIndex
from alerts.outbound import ChannelRefused, channel_refusal
from alerts.outbox import enqueue
from nlp.catalogue import DEFAULT_EDITION, load_edition
from nlp.codes import normalise_hs, normalise_ics
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
from store.queries.alerts import insert_ignore, load_items, open_items, subscription_by_token

LANGUAGES = ("zh", "en")
COMMITTEES = ("TBT", "SPS")
_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")


class SubscriptionError(ValueError):
    """A subscription that cannot work as given."""

    def text(self, language: str) -> str:
        """The message in ``zh`` or ``en`` (English unless a subclass knows better)."""
        return str(self)


class ChannelError(SubscriptionError):
    """A channel this subscriber may not use."""

    def __init__(self, refusal: ChannelRefused):
        super().__init__(str(refusal))
        self.refusal = refusal

    def text(self, language: str) -> str:
        return self.refusal.text(language)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SubscriptionError(message)


def check_channels(channels: list[str], *, trusted: bool) -> None:
    """Refuse a channel beyond the documented ones unless the subscriber is ``trusted``."""
    for channel in channels:
        refusal = channel_refusal(channel, trusted=trusted)
        if refusal:
            raise ChannelError(refusal)


def normalised(data: SubscriptionCreate, *, trusted: bool = False) -> SubscriptionCreate:
    """``data`` checked, with members as register codes and codes in canonical form. Only a
    ``trusted`` subscriber (the operator, an administrator) may use channels beyond the
    documented ones (:mod:`alerts.outbound`); a refusal is a :class:`ChannelError`."""
    sectors = [s.strip().upper() for s in data.sectors]
    known = set(load_edition(DEFAULT_EDITION).codes)
    unknown = [s for s in sectors if s not in known]
    _check(not unknown, f"unknown sector(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    members = []
    for name in data.members:
        member = resolve_member(name)
        if member is None:
            raise SubscriptionError(f"{name!r} is not a WTO member name or code")
        members.append(member.code)
    hs = [normalise_hs(code) for code in data.hs_prefixes]
    _check(all(hs), f"HS prefixes are 2 to 10 digits: {data.hs_prefixes}")
    ics = [normalise_ics(code) for code in data.ics_prefixes]
    _check(all(ics), f"ICS prefixes look like 13, 13.220 or 13.220.20: {data.ics_prefixes}")
    committees = [c.upper() for c in data.committees]
    _check(set(committees) <= set(COMMITTEES), "committee is TBT or SPS")
    _check(set(data.kinds) <= set(ITEM_KINDS), f"kind is one of {', '.join(ITEM_KINDS)}")
    _check(data.min_urgency in URGENCY_LEVELS, f"minimum urgency is one of {', '.join(URGENCY_LEVELS)}")
    _check(data.frequency in FREQUENCIES, f"frequency is one of {', '.join(FREQUENCIES)}")
    weekday = data.weekday.strip().lower()
    _check(weekday in WEEKDAYS, f"weekday is one of {', '.join(WEEKDAYS)}")
    _check(data.language in LANGUAGES, "language is zh or en")
    _check(bool(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", data.deliver_at)), "time of day is HH:MM")
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SubscriptionError(f"unknown time zone {data.timezone!r}") from error
    _check(data.email is None or bool(_EMAIL.fullmatch(data.email)), f"not an e-mail address: {data.email!r}")
    for channel in data.channels:
        _check(
            channel_type(channel) != "email" and valid_channel(channel),
            f"not a usable channel URL (an Apprise URL or an http(s) webhook): {channel!r}",
        )
    check_channels(data.channels, trusted=trusted)
    _check(all(n > 0 for n in data.reminder_days), "reminder days are positive")
    return data.model_copy(
        update={
            "sectors": sectors,
            "members": members,
            "hs_prefixes": hs,
            "ics_prefixes": ics,
            "committees": committees,
            "weekday": weekday,
            "keywords": [k.strip() for k in data.keywords if k.strip()],
            "reminder_days": sorted(set(data.reminder_days), reverse=True),
        }
    )


def create_subscription(
    session: Session, data: SubscriptionCreate, *, user_id: int | None = None, now: datetime | None = None
) -> Subscription:
    """Check and store a subscription; it hears of items that arrive from now on."""
    now = now or utcnow()
    owner = session.get(User, user_id) if user_id is not None else None
    subscription = Subscription(
        **normalised(data, trusted=owner is None or owner.role == "admin").model_dump(),
        user_id=user_id,
        token=secrets.token_urlsafe(32),
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription


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
    if subscription is not None and subscription.active:
        subscription.active = False
        subscription.updated_at = utcnow()
        session.add(subscription)
    return subscription
