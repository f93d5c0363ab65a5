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
* **Login rate limit**: :class:`LoginLimiter`, in memory per process.
"""

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from store.models import ROLES, AuditEntry, User
from store.settings import Settings, get_settings

SESSION_COOKIE = "tbtwatch_session"
SESSION_MAX_AGE = 14 * 24 * 3600
_SESSION_SALT = "tbtwatch-session"
TOKEN_PREFIX = "tbt_"
MIN_PASSWORD_LENGTH = 8  # as UserCreate.password

_hasher = PasswordHasher()

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
        _hasher.hash(password)  # same work whether or not the account exists
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


def session_cookie_value(user_id: int, settings: Settings | None = None) -> str:
    return _serializer(settings).dumps({"uid": user_id})


def session_user_id(value: str | None, settings: Settings | None = None) -> int | None:
    """The user id a cookie value was signed for, or None if missing, forged or expired."""
    if not value:
        return None
    try:
        data = _serializer(settings).loads(value, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None


def user_from_session_cookie(request, session: Session) -> User | None:
    """The active user whose signed ``tbtwatch_session`` cookie came with ``request``."""
    uid = session_user_id(request.cookies.get(SESSION_COOKIE), _request_settings(request))
    if uid is None:
        return None
    user = session.get(User, uid)
    return user if user is not None and user.active else None


def set_session_cookie(response, user_id: int, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(user_id, settings),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.base_url.startswith("https://"),
        path="/",
    )


def clear_session_cookie(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def _request_settings(request) -> Settings:
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
    """At most ``max_failures`` failed logins per (account, client address) in a sliding
    window of ``window_seconds``; then that pair is refused until the oldest failure ages out.

    Kept in memory: each web replica counts on its own (so with N replicas an attacker gets
    at most N × ``max_failures`` tries per window) and a restart forgets. A success clears
    the pair's failures.
    """

    def __init__(self, max_failures: int = 5, window_seconds: float = 15 * 60, clock=time.monotonic):
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    @staticmethod
    def _key(account: str, address: str | None) -> tuple[str, str]:
        return (account.strip().casefold(), address or "")

    def _recent(self, key) -> deque[float]:
        times = self._failures[key]
        cutoff = self._clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def allowed(self, account: str, address: str | None) -> bool:
        with self._lock:
            key = self._key(account, address)
            allowed = len(self._recent(key)) < self.max_failures
            if not self._failures[key]:
                del self._failures[key]
            return allowed

    def retry_after(self, account: str, address: str | None) -> int:
        """Seconds until the next attempt is allowed (0 if allowed now)."""
        with self._lock:
            times = self._recent(self._key(account, address))
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - self._clock()) + 1)

    def failed(self, account: str, address: str | None) -> None:
        with self._lock:
            key = self._key(account, address)
            self._recent(key).append(self._clock())

    def succeeded(self, account: str, address: str | None) -> None:
        with self._lock:
            self._failures.pop(self._key(account, address), None)


login_limiter = LoginLimiter()
