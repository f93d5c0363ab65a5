"""Accounts and API tokens: create, find, list. Password and token hashing is the
caller's (``service.security``); ``store`` only keeps the hashes."""

import threading
import time
from datetime import timedelta

from sqlalchemy import delete, event, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, func, select

from store.members import resolve_member
from store.models import (
    ROLES,
    ApiToken,
    AuditEntry,
    IntelligenceReport,
    SectorTag,
    Subscription,
    Triage,
    TriageNote,
    User,
)
from store.models.types import utcnow
from store.refusals import Refused

TOUCH_INTERVAL = timedelta(minutes=5)
# How long a process trusts what it read about a token: a token revoked or an account changed
# through this process is forgotten at once (see _forget_changed_accounts); through another
# process (another web replica, the CLI), within this many seconds.
TOKEN_CACHE_SECONDS = 10.0
_tokens: dict[str, tuple[float, User]] = {}
_tokens_lock = threading.Lock()


class UserError(Refused):
    """An account cannot be created as asked (bad role or address, an embassy without a WTO
    member, a duplicate e-mail: a conflict); the message (``refused_*``) in Chinese and English."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    password_hash: str,
    name: str | None = None,
    member_code: str | None = None,
    language: str = "zh",
) -> User:
    """A new active account; an embassy must name the WTO member it reports on (by any name or
    code of the register; stored as its code)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise UserError("user_role", field="role", value=role)
    if "@" not in email:
        raise UserError("email", field="email", email=email)
    if member_code:
        member = resolve_member(member_code)
        if member is None:
            raise UserError("member", field="member_code", name=member_code)
        member_code = member.code
    if role == "embassy" and not member_code:
        raise UserError("user_member_required", field="member_code")
    if get_user_by_email(session, email=email) is not None:
        raise UserError("user_exists", field="email", conflict=True, email=email)
    user = User(
        email=email, role=role, password_hash=password_hash, name=name, member_code=member_code, language=language
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def list_users(
    session: Session, *, role: str | None = None, offset: int = 0, limit: int | None = None
) -> tuple[list[User], int]:
    """Users by e-mail, with the total before paging."""
    statement = select(User)
    if role:
        statement = statement.where(User.role == role)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    statement = statement.order_by(col(User.email)).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement)), total


# Where other rows name an account without belonging to it (staff work, the audit log): kept,
# no longer naming it, when the account is deleted.
_NAMED_BY = [
    (AuditEntry, "user_id"),
    (Triage, "assignee_id"),
    (Triage, "updated_by"),
    (TriageNote, "author_id"),
    (SectorTag, "author_id"),
    (IntelligenceReport, "author_id"),
]


def delete_user(session: Session, user: User) -> None:
    """Delete an account and what is its person's: its subscriptions (and with them, by the
    database's cascades, their alerts, that is the inbox, their deliveries and their
    feedback judgements), its thread choices and API tokens. The audit log and staff work
    (triage, notes, tags, intelligence reports) stay, no longer naming the account. The
    caller commits."""
    session.execute(delete(Subscription).where(col(Subscription.user_id) == user.id))
    for model, column in _NAMED_BY:
        session.execute(update(model).where(getattr(model, column) == user.id).values({column: None}))
    session.delete(user)  # through the session: its token cache forgets it (below)
    session.flush()


def add_token(session: Session, *, user: User, name: str, token_hash: str) -> ApiToken:
    token = ApiToken(user_id=user.id, name=name, token_hash=token_hash)
    session.add(token)
    session.flush()
    return token


def user_for_token(session: Session, *, token_hash: str, touch: bool = True) -> User | None:
    """The active owner of an unrevoked token; ``touch`` records the use at most once per
    :data:`TOUCH_INTERVAL` so reading with a token is not a write each time (caller commits)."""
    row = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.token_hash == token_hash, col(ApiToken.revoked).is_(False))
    ).first()
    if row is None or not row[1].active:
        return None
    token, user = row
    now = utcnow()
    if touch and (token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL):
        token.last_used_at = now
        session.add(token)
    return user


def recalled_user_for_token(session: Session, *, token_hash: str) -> User | None:
    """The owner of a token this process checked in the last :data:`TOKEN_CACHE_SECONDS`,
    attached to ``session`` as read then; None when it did not (this reads no database)."""
    hit = _tokens.get(token_hash)
    if hit is not None and hit[0] > time.monotonic():
        return session.merge(hit[1], load=False)
    return None


def cached_user_for_token(session: Session, *, token_hash: str) -> User | None:
    """:func:`user_for_token` without a database round trip for a token this process checked
    in the last :data:`TOKEN_CACHE_SECONDS` (:func:`recalled_user_for_token`)."""
    recalled = recalled_user_for_token(session, token_hash=token_hash)
    if recalled is not None:
        return recalled
    now = time.monotonic()
    user = user_for_token(session, token_hash=token_hash)
    if user is None:
        with _tokens_lock:
            _tokens.pop(token_hash, None)
        return None
    snapshot = User.model_validate(user.model_dump())
    make_transient_to_detached(snapshot)
    with _tokens_lock:
        _tokens[token_hash] = (now + TOKEN_CACHE_SECONDS, snapshot)
    return user


@event.listens_for(OrmSession, "after_flush")
def _forget_changed_accounts(session: OrmSession, _context) -> None:
    """A token or account written through this process (revoked, deactivated, another role)
    is read again on its next use."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, User | ApiToken) for row in changed):
        with _tokens_lock:
            _tokens.clear()


def list_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    statement = select(ApiToken).where(ApiToken.user_id == user_id).order_by(col(ApiToken.id))
    return list(session.exec(statement))


def revoke_token(session: Session, *, user_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of the user's tokens; None if the user has no such token."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        return None
    token.revoked = True
    session.add(token)
    return token
