"""Passwords, tokens, the session cookie, permissions, audit, the login limiter, and the
`tbtwatch users` commands."""

from types import SimpleNamespace

from sqlmodel import select
from typer.testing import CliRunner

from service.cli import app as cli
from service.security import (
    SESSION_COOKIE,
    LoginLimiter,
    audit,
    authenticate,
    can,
    hash_password,
    needs_rehash,
    new_token,
    session_cookie_value,
    session_user_id,
    token_hash,
    user_from_session_cookie,
    verify_password,
)
from store.models import AuditEntry, User
from store.queries.users import add_token, create_user, user_for_token


def test_passwords_hash_and_verify():
    digest = hash_password("correct horse")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "correct horse")
    assert not verify_password(digest, "wrong horse")
    assert not verify_password("", "anything") and not verify_password("garbage", "x")
    assert not needs_rehash(digest)


def test_authenticate_rehashes_outdated_hashes(session):
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8192).hash("pass-word")
    user = create_user(session, email="a@example.org", role="staff", password_hash=old)
    assert authenticate(session, user=user, password="pass-word")
    assert user.password_hash != old and not needs_rehash(user.password_hash)
    assert not authenticate(session, user=user, password="nope")
    assert not authenticate(session, user=None, password="pass-word")


def test_tokens_store_only_hashes(session):
    plain, digest = new_token()
    assert plain.startswith("tbt_") and digest == token_hash(plain) and plain not in digest
    user = create_user(session, email="t@example.org", role="exporter", password_hash="")
    add_token(session, user=user, name="ci", token_hash=digest)
    assert user_for_token(session, token_hash=token_hash(plain)).id == user.id
    assert user_for_token(session, token_hash=token_hash(plain + "x")) is None


def test_session_cookie_round_trip(settings, session):
    user = create_user(session, email="c@example.org", role="exporter", password_hash="")
    session.commit()
    value = session_cookie_value(user.id, settings)
    assert session_user_id(value, settings) == (user.id, 0)
    assert session_user_id(value[:-2] + "xx", settings) is None
    request = SimpleNamespace(cookies={SESSION_COOKIE: value}, scope={})
    assert user_from_session_cookie(request, session).id == user.id
    user.active = False
    assert user_from_session_cookie(request, session) is None


def test_permissions_by_role():
    def user(role):
        return User(email=f"{role}@x", role=role)

    assert can(user("exporter"), "subscribe") and not can(user("exporter"), "triage")
    assert can(user("staff"), "triage") and can(user("staff"), "intelligence.review")
    assert can(user("embassy"), "intelligence.submit") and not can(user("embassy"), "subscribe")
    assert all(can(user("admin"), p) for p in ("admin", "triage", "search"))
    assert not can(None, "search")


def test_audit_records_actions(session):
    user = create_user(session, email="s@example.org", role="staff", password_hash="")
    audit(
        session, user=user, action="triage.status", target_kind="notification", target_id=7, details={"to": "triaged"}
    )
    session.commit()
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.user_id, entry.action, entry.target_id, entry.details) == (
        user.id,
        "triage.status",
        "7",
        {"to": "triaged"},
    )


def test_login_limiter_slows_down_then_forgets(db_engine):
    now = [0.0]
    limiter = LoginLimiter(
        free=3, base_delay=1, max_account_delay=4, window_seconds=600, clock=lambda: now[0], engine=db_engine
    )
    for _ in range(3):
        assert limiter.begin("A@x.org", "1.2.3.4") == 0  # counted as a failure until it succeeds
    assert limiter.begin("a@x.org", "1.2.3.4") == 1  # the fourth waits a second
    assert limiter.begin("a@x.org", "5.6.7.8") == 1  # the account waits wherever it comes from
    now[0] = 1
    assert limiter.begin("a@x.org", "5.6.7.8") == 0
    now[0] = 601
    assert limiter.begin("a@x.org", "1.2.3.4") == 0
    limiter.succeeded("a@x.org", "1.2.3.4")
    assert limiter.begin("a@x.org", "1.2.3.4") == 0


def test_users_commands(settings):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["users", "add", "--email", "E@Example.org", "--role", "embassy", "--member", "Japan"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["users", "add", "--email", "e@example.org", "--role", "staff"], input="a-long-password\n"
    )
    assert result.exit_code == 2 and "already exists" in result.output
    result = runner.invoke(
        cli, ["users", "add", "--email", "x@example.org", "--role", "boss"], input="a-long-password\n"
    )
    assert result.exit_code == 2
    result = runner.invoke(cli, ["users", "token", "--email", "e@example.org", "--name", "ci"])
    assert result.exit_code == 0 and result.output.startswith("tbt_")
    result = runner.invoke(cli, ["users", "list"])
    assert "e@example.org" in result.output and "JPN" in result.output
