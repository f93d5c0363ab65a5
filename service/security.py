"""Accounts and safety: password hashing, API tokens, the session cookie, roles and
permissions, the audit log, and the login rate limiter.

The web pages and the REST API share everything here:

* **Passwords** are hashed with argon2id (:func:`hash_password`, :func:`verify_password`);
  :func:`needs_rehash` says when a stored hash uses outdated parameters (rehash on login).
* **API tokens** are random strings ``tbt_…`` shown once; only their SHA-256 hex digest is
  stored in ``api_token.token_hash`` (:func:`new_token`, :func:`token_hash`).
* **The session cookie** ``tbtwatch_session`` is an itsdangerous
  ``URLSafeTimedSerializer(settings.secret_key, salt="tbtwatch-session")`` signature of
  ``{"uid": <user id>}``, valid :data:`SESSION_MAX_AGE` seconds. The web login sets it with
  :func:`set_session_cookie` (HttpOnly, SameSite=Lax, Secure when ``base_url`` is https) and
  logout clears it with :func:`clear_session_cookie`; :func:`user_from_session_cookie` reads it.
* **Roles** are ``store.models.accounts.ROLES``; :func:`can` answers from :data:`PERMISSIONS`.
* **Audit**: :func:`audit` adds an ``AuditEntry`` to the caller's session (the caller commits,
  so the entry is stored together with the change it records).
* **Login rate limit**: :class:`LoginLimiter`, counted in the database for every process; :func:`client_address`
  (``TBTWATCH_TRUSTED_PROXIES``); password checks in a bounded pool (:class:`HashSlot`).
"""

import asyncio
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from zxcvbn import zxcvbn

from store.addresses import within
from store.db import default_engine, session_scope
from store.models import ROLES, AuditEntry, User
from store.queries.login_failures import count_failure, forget_failures, forget_old_failures, lock_failures
from store.queries.users import UserError
from store.settings import Settings, get_settings

SESSION_COOKIE = "tbtwatch_session"
SESSION_MAX_AGE = 14 * 24 * 3600
_SESSION_SALT = "tbtwatch-session"
TOKEN_PREFIX = "tbt_"
MIN_PASSWORD_LENGTH = 8  # as UserCreate.password
MIN_PASSWORD_SCORE = 3

_hasher = PasswordHasher()
T = TypeVar("T")

# permission -> roles that hold it. Admin holds every permission (see :func:`can`).
PERMISSIONS: dict[str, frozenset[str]] = {
    "search": frozenset(ROLES),  # search and read notifications, changes, published intelligence
    "subscribe": frozenset({"exporter", "staff", "admin"}),  # own subscriptions and alerts inbox
    "intelligence.submit": frozenset({"embassy"}),  # write and submit own intelligence drafts
    "intelligence.review": frozenset({"staff"}),  # publish or reject submitted intelligence
    "triage": frozenset({"staff"}),  # the triage queue, tags, workflow, notes, training export
    "admin": frozenset(),  # sources, crawl runs, users, editions, dead deliveries
}


# Passwords


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class WeakPassword(UserError):
    """A password refused as too short, or too common or easy to guess (``refused_password_short``,
    ``refused_password_weak`` in the message catalogue)."""


def new_password_hash(password: str, *, user_inputs: tuple[str, ...] = ()) -> str:
    """The hash of a password someone chose, refused (:class:`WeakPassword`) when shorter than
    :data:`MIN_PASSWORD_LENGTH` characters (spaces aside) or when zxcvbn rates it below 3 of 4
    ("safely unguessable" needs 10^8 guesses): common passwords, dictionary words, keyboard
    walks, repeats and the ``user_inputs`` (e-mail, name) given."""
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise WeakPassword("password_short", field="password", limit=MIN_PASSWORD_LENGTH)
    if zxcvbn(password[:100], user_inputs=[i for i in user_inputs if i])["score"] < MIN_PASSWORD_SCORE:
        raise WeakPassword("password_weak", field="password")
    return hash_password(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; an empty or malformed hash matches nothing."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with parameters older than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


def authenticate(session: Session, *, user: User | None, password: str) -> bool:
    """Check a login; on success upgrade an outdated hash (the caller commits)."""
    if user is None or not user.active:
        hash_password(password)  # same work whether or not the account exists
        return False
    if not verify_password(user.password_hash, password):
        return False
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return True


# API tokens


def token_hash(plain: str) -> str:
    """What ``api_token.token_hash`` holds for a token (tokens are random, so no salt)."""
    return hashlib.sha256(plain.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new token: ``(plain, hash)``; show ``plain`` once, store ``hash``."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return plain, token_hash(plain)


# The session cookie


def _serializer(settings: Settings | None = None) -> URLSafeTimedSerializer:
    settings = settings or get_settings()
    if not settings.secret_key:
        raise RuntimeError("TBTWATCH_SECRET_KEY must be set to sign sessions")
    return URLSafeTimedSerializer(settings.secret_key, salt=_SESSION_SALT)


def session_cookie_value(user_id: int, settings: Settings | None = None, *, version: int = 0) -> str:
    return _serializer(settings).dumps({"uid": user_id, "v": version})


def session_user_id(value: str | None, settings: Settings | None = None) -> tuple[int, int] | None:
    """(user id, session version) a cookie value was signed for, or None if missing, forged or
    expired."""
    if not value:
        return None
    try:
        data = _serializer(settings).loads(value, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    uid, version = data.get("uid"), data.get("v", 0)
    return (uid, version) if isinstance(uid, int) and isinstance(version, int) else None


def user_from_session_cookie(request: Request, session: Session) -> User | None:
    """The active user whose signed ``tbtwatch_session`` cookie came with ``request``, unless
    they signed out or had their password reset since (:func:`end_sessions`)."""
    signed = session_user_id(request.cookies.get(SESSION_COOKIE), _request_settings(request))
    if signed is None:
        return None
    user = session.get(User, signed[0])
    if user is None or not user.active or user.session_version != signed[1]:
        return None
    return user


def end_sessions(user: User) -> None:
    """Make every session cookie of ``user`` worthless (sign-out, password reset; caller commits)."""
    user.session_version += 1


def set_session_cookie(response: Response, user: User, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(user.id, settings, version=user.session_version),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def _request_settings(request: Request) -> Settings:
    app = request.scope.get("app")
    return getattr(getattr(app, "state", None), "settings", None) or get_settings()


# Roles and permissions


def can(user: User | None, permission: str) -> bool:
    """Whether ``user`` (active) holds ``permission`` of :data:`PERMISSIONS`."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if user is None or not user.active:
        return False
    return user.role == "admin" or user.role in PERMISSIONS[permission]


# Audit


def audit(
    session: Session,
    *,
    user: User | None,
    action: str,
    target_kind: str | None = None,
    target_id=None,
    details: dict | None = None,
) -> AuditEntry:
    """Record an action in the audit log (added to ``session``; the caller commits)."""
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        action=action,
        target_kind=target_kind,
        target_id=None if target_id is None else str(target_id),
        details=details or {},
    )
    session.add(entry)
    return entry


# Login rate limit


class LoginLimiter:
    """Failed sign-ins slow down where they come from, counted apart per client address and per
    account: after ``free`` failures, each further attempt must wait ``base_delay`` ×
    2^(failures − free) seconds since the last one, up to ``max_address_delay`` for an address
    and ``max_account_delay`` for an account; a count is forgotten ``window_seconds`` after its
    last failure. The account's cap is short, so an attacker elsewhere slows its owner down for
    at most that long and never locks them out; the address's grows to many minutes.

    :meth:`begin` answers and, when the attempt may go ahead, counts it as a failure at once, in
    one transaction that holds the counts' rows (:mod:`store.queries.login_failures`), so that
    parallel attempts, in any process of the service, cannot all pass the check before any is
    counted; :meth:`succeeded` clears the account and the address. Nothing is hashed for an
    attempt refused here. ``clock`` gives Unix seconds (the processes share the counts).
    """

    def __init__(
        self,
        *,
        free: int = 5,
        base_delay: float = 1.0,
        max_address_delay: float = 15 * 60,
        max_account_delay: float = 30,
        window_seconds: float = 60 * 60,
        clock: Callable[[], float] = time.time,
        engine: Engine | None = None,
    ):
        self.free, self.base_delay, self.window = free, base_delay, window_seconds
        self.max_delay = {"address": max_address_delay, "account": max_account_delay}
        self._clock = clock
        self._engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine or default_engine()

    def _keys(self, account: str, address: str | None) -> list[tuple[str, str]]:
        return [("account", account.strip().casefold()[:320]), ("address", address or "")]

    def _wait(self, scope: str, failures: int, last_at: float, now: float) -> float:
        if failures < self.free:
            return 0.0
        delay = min(self.base_delay * 2 ** (failures - self.free), self.max_delay[scope])
        return max(0.0, last_at + delay - now)

    def begin(self, account: str, address: str | None, *, admit: Callable[[], None] | None = None) -> float:
        """0 when the attempt may go ahead (it is counted as failed until :meth:`succeeded`),
        else the seconds to wait. ``admit`` is called when it may go ahead, before it is
        counted, while the counts are held: what it raises (:class:`HashPoolBusy`) leaves them
        as they were, neither counting the attempt nor forgiving earlier failures."""
        keys = self._keys(account, address)
        with session_scope(self.engine) as session:
            now = self._clock()
            counts = lock_failures(session, keys, now=now, window=self.window)
            wait = max(self._wait(scope, *counts[(scope, key)], now) for scope, key in keys)
            if wait == 0:
                if admit is not None:
                    admit()
                count_failure(session, keys, now=now)
        return wait

    def succeeded(self, account: str, address: str | None) -> None:
        with session_scope(self.engine) as session:
            forget_failures(session, self._keys(account, address))

    def clear(self) -> None:
        with session_scope(self.engine) as session:
            forget_failures(session)

    def forget_old(self, *, batch: int = 1000) -> int:
        """Delete the counts whose last failure is ``window_seconds`` old (they count as nothing
        already), ``batch`` rows to a short transaction, so that sign-ins never wait long for it;
        the number deleted. Counts that sign-ins hold at the time are left for the next run."""
        last_before = self._clock() - self.window
        deleted = batch
        total = 0
        while deleted == batch:
            with session_scope(self.engine) as session:
                deleted = forget_old_failures(session, last_before=last_before, batch=batch)
            total += deleted
        return total


login_limiter = LoginLimiter()


def client_address(request: Request, settings: Settings | None = None) -> str | None:
    """The client's address: the peer's, or, when the peer is one of ``TBTWATCH_TRUSTED_PROXIES``,
    the nearest address in ``X-Forwarded-For`` that is not a trusted proxy (the ones further left
    were written by the client and prove nothing)."""
    peer = request.client.host if request.client else None
    proxies = (settings or _request_settings(request)).trusted_proxy_networks
    if peer is None or not within(peer, proxies):
        return peer
    hops = [hop.strip() for value in request.headers.getlist("x-forwarded-for") for hop in value.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not within(hop, proxies):
            return hop
        peer = hop
    return peer


# Password checks run in a small pool of their own: argon2 takes ~50 ms of CPU each, and on the
# event loop or in the shared thread pool a flood of sign-ins would stall every other request.
HASH_WORKERS = 2
HASH_QUEUE = 16  # sign-ins waiting beyond this are refused at once (503)
_hash_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="tbtwatch-hash")
_hash_slots = threading.BoundedSemaphore(HASH_WORKERS + HASH_QUEUE)


class HashPoolBusy(Exception):
    """Too many password checks are waiting."""


class HashSlot:
    """A place in the bounded hashing pool for one password check: :meth:`take` it
    (:class:`HashPoolBusy` at once when none is free), :meth:`run` the check in the pool; the
    place is given back when the ``with`` block ends."""

    def __init__(self) -> None:
        self._taken: threading.BoundedSemaphore | None = None

    def __enter__(self) -> "HashSlot":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._taken is not None:
            self._taken.release()
            self._taken = None

    def take(self) -> None:
        slots = _hash_slots
        if not slots.acquire(blocking=False):
            raise HashPoolBusy
        self._taken = slots

    async def run(self, function: Callable[[], T]) -> T:
        """Run ``function`` (a password check) in the pool, once the slot is taken."""
        if self._taken is None:
            raise RuntimeError("take the hashing slot first")
        return await asyncio.get_running_loop().run_in_executor(_hash_pool, function)
