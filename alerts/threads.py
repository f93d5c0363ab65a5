"""Follow one notification, or mute its thread: the one path that the item page, the API and
the signed links of e-mails call.

Following a notification makes its later documents (addenda, revisions, corrigenda) and new
versions (a changed deadline, a withdrawal) reach the account even when no subscription of
it matches, through its follow subscription (:func:`store.queries.threads.follow_subscription`).
Muting stops everything about the thread: new alerts, follow-ups and reminders, and cancels
what is pending. The two exclude each other; clearing the choice returns to the
subscriptions' own rules.

An e-mail carries, for a notification, two links signed with the service's secret key under
a salt of their own, naming the subscription, the notification and the choice; they are
rendered once per message as stand-ins (:func:`stand_in`) that :func:`personalise` turns into
each subscriber's own. A link shows a confirmation (a scanner fetching it changes nothing);
it expires after :data:`LINK_MAX_AGE`, and applying it twice changes nothing more.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from store.models import THREAD_CHOICES, Alert, Delivery, Notification, Subscription, User
from store.models.types import utcnow
from store.queries.threads import choice_of, follow_subscription, set_choice

SALT = "tbtwatch.thread-choice.v1"
LINK_MAX_AGE = timedelta(days=180)
_STAND_IN = "https://thread.invalid"
STAND_INS = re.compile(re.escape(_STAND_IN) + r"/(follow|mute)/(\d+)")


class ThreadError(ValueError):
    """A choice that cannot be made: ``state`` is ``invalid`` (a tampered link, a notification
    without a thread), ``expired`` or ``no_account`` (the subscription has no account)."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


@dataclass(frozen=True)
class ThreadLink:
    subscription_id: int
    notification_id: int
    choice: str


def thread_of(session: Session, notification_id: int) -> Notification:
    """The notification, which must belong to a thread (have a base symbol)."""
    notification = session.get(Notification, notification_id)
    if notification is None or not notification.base_symbol:
        raise ThreadError("invalid")
    return notification


def current_choice(session: Session, user: User, notification_id: int) -> str | None:
    """``follow``, ``mute`` or None: the account's choice about the notification's thread."""
    notification = session.get(Notification, notification_id)
    if notification is None or not notification.base_symbol or user.id is None:
        return None
    return choice_of(session, user.id, notification.base_symbol)


def choose(
    session: Session, user: User, notification_id: int, choice: str | None, *, now: datetime | None = None
) -> str | None:
    """Follow (``follow``) or mute (``mute``) the thread of a notification for an account, or
    clear the choice (None); the caller commits. Returns the choice now in force."""
    if choice is not None and choice not in THREAD_CHOICES:
        raise ThreadError("invalid")
    notification = thread_of(session, notification_id)
    assert user.id is not None and notification.base_symbol is not None
    set_choice(
        session, user_id=user.id, thread=notification.base_symbol, choice=choice, notification_id=notification_id
    )
    if choice == "follow":
        follow_subscription(session, user)
    elif choice == "mute":
        _cancel_thread(session, user.id, notification.base_symbol)
    return choice


def _cancel_thread(session: Session, user_id: int, thread: str) -> None:
    """Cancel the account's pending deliveries that tell only of the thread."""
    in_thread = set(session.exec(select(Notification.id).where(Notification.base_symbol == thread)))
    mine = select(Subscription.id).where(Subscription.user_id == user_id)
    for delivery in session.exec(
        select(Delivery).where(Delivery.status == "pending", col(Delivery.subscription_id).in_(mine))
    ):
        alerts = session.exec(select(Alert).where(col(Alert.id).in_(delivery.alert_ids))).all()
        if alerts and all(a.item_kind == "notification" and a.item_id in in_thread for a in alerts):
            delivery.status, delivery.last_error = "cancelled", "cancelled: the thread was muted"
            session.add(delivery)


# --- signed links in e-mails ---------------------------------------------------------------


@lru_cache(maxsize=4)  # one a secret: made once, not for each of many links a dispatch run signs
def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(secret: str, link: ThreadLink) -> str:
    return str(_serializer(secret).dumps([link.subscription_id, link.notification_id, link.choice]))


def read_token(secret: str, token: str, *, now: datetime | None = None) -> ThreadLink:
    """The link a token stands for; :class:`ThreadError` when it is tampered or expired."""
    try:
        data, issued = _serializer(secret).loads(token, return_timestamp=True)
    except BadData as error:
        raise ThreadError("invalid") from error
    if (now or utcnow()) - issued > LINK_MAX_AGE:
        raise ThreadError("expired")
    try:
        subscription_id, notification_id, choice = data
    except (TypeError, ValueError) as error:
        raise ThreadError("invalid") from error
    if choice not in THREAD_CHOICES or not isinstance(subscription_id, int) or not isinstance(notification_id, int):
        raise ThreadError("invalid")
    return ThreadLink(subscription_id, notification_id, choice)


def account_of_link(session: Session, link: ThreadLink) -> User:
    """The account a link's subscription belongs to (active); :class:`ThreadError` otherwise."""
    subscription = session.get(Subscription, link.subscription_id)
    user = session.get(User, subscription.user_id) if subscription and subscription.user_id else None
    if user is None or not user.active:
        raise ThreadError("no_account")
    return user


def stand_in(choice: str, notification_id: int) -> str:
    """The placeholder a shared rendering carries for one subscriber's link."""
    return f"{_STAND_IN}/{choice}/{notification_id}"


def personalise(texts: list[str], *, subscription: Subscription, base_url: str, secret: str) -> list[str]:
    """``texts`` with every stand-in replaced by the subscriber's signed link; for a
    subscription without an account, by the item page (where a signed-in person chooses)."""
    base = base_url.rstrip("/")

    def link(match: re.Match) -> str:
        choice, notification_id = match.group(1), int(match.group(2))
        if subscription.user_id is None or subscription.id is None:
            return f"{base}/items/notification/{notification_id}"
        token = make_token(secret, ThreadLink(subscription.id, notification_id, choice))
        return f"{base}/threads/{token}"

    return [STAND_INS.sub(link, text) for text in texts]
