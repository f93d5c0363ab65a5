"""Accounts' choices about notification threads (follow, mute) and who may still receive
alerts: reading and writing them for :mod:`alerts.threads` and the outbox.

A thread is a notification's base symbol: the notification, its addenda, revisions and
corrigenda. An account follows a thread through its subscription of purpose ``follows``
(one per account, made on first use, selecting nothing by itself), so a followed thread's
follow-ups are delivered, retried, unsubscribed and merged with the account's other
alerts like any.
"""

import secrets
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from store.models import Notification, Subscription, ThreadChoice, User
from store.models.types import utcnow

ItemKey = tuple[str, int]


def threads_of(session: Session, keys: Iterable[ItemKey]) -> dict[ItemKey, str]:
    """The thread (base symbol) of each notification among ``keys`` that has one."""
    ids = sorted({item_id for kind, item_id in keys if kind == "notification"})
    if not ids:
        return {}
    rows = session.exec(select(Notification.id, Notification.base_symbol).where(col(Notification.id).in_(ids)))
    return {("notification", item_id): base for item_id, base in rows if base}


def choices(session: Session, user_ids: Iterable[int], threads: Iterable[str]) -> dict[tuple[int, str], str]:
    """(user id, thread) → ``follow`` or ``mute``, for the given accounts and threads."""
    user_ids, threads = sorted(set(user_ids)), sorted(set(threads))
    if not user_ids or not threads:
        return {}
    statement = select(ThreadChoice).where(
        col(ThreadChoice.user_id).in_(user_ids), col(ThreadChoice.thread).in_(threads)
    )
    return {(c.user_id, c.thread): c.choice for c in session.exec(statement)}


def choice_of(session: Session, user_id: int, thread: str) -> str | None:
    return choices(session, [user_id], [thread]).get((user_id, thread))


def set_choice(session: Session, *, user_id: int, thread: str, choice: str | None, notification_id: int) -> None:
    """Record ``follow`` or ``mute`` for an account's thread, or clear it (``None``)."""
    row = session.exec(
        select(ThreadChoice).where(ThreadChoice.user_id == user_id, ThreadChoice.thread == thread)
    ).first()
    if choice is None:
        if row is not None:
            session.delete(row)
        return
    row = row or ThreadChoice(user_id=user_id, thread=thread, choice=choice)
    row.choice, row.notification_id, row.created_at = choice, notification_id, utcnow()
    session.add(row)


def followers(session: Session, threads: Iterable[str]) -> dict[str, list[ThreadChoice]]:
    """Thread → the accounts' choices to follow it."""
    threads = sorted(set(threads))
    found: dict[str, list[ThreadChoice]] = defaultdict(list)
    if threads:
        statement = select(ThreadChoice).where(col(ThreadChoice.thread).in_(threads), ThreadChoice.choice == "follow")
        for choice in session.exec(statement):
            found[choice.thread].append(choice)
    return found


def follow_subscription(session: Session, user: User) -> Subscription:
    """The account's subscription that carries what it follows, made on first use; its
    address and language are the account's."""
    found = session.exec(
        select(Subscription).where(Subscription.user_id == user.id, Subscription.purpose == "follows")
    ).first()
    if found is None:
        now = utcnow()
        found = Subscription(
            user_id=user.id,
            purpose="follows",
            email=user.email,
            email_confirmed_at=now,  # the account's own address
            language=user.language if user.language in ("zh", "en") else "zh",
            token=secrets.token_urlsafe(32),
            created_at=now,
            updated_at=now,
        )
        session.add(found)
        session.flush()
    elif not found.active:  # following again after unsubscribing from the followed threads
        found.active, found.updated_at = True, utcnow()
        session.add(found)
    return found


def follow_subscriptions(session: Session, user_ids: Iterable[int]) -> dict[int, Subscription]:
    """Account id → its active follow subscription, for accounts that may receive alerts."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return {}
    statement = (
        select(Subscription)
        .join(User, col(User.id) == col(Subscription.user_id))
        .where(
            col(Subscription.user_id).in_(user_ids),
            Subscription.purpose == "follows",
            Subscription.active,
            User.active,
        )
    )
    return {s.user_id: s for s in session.exec(statement) if s.user_id is not None}
