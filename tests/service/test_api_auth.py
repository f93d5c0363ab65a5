"""Authentication, tokens, the session cookie, and JSON errors of the API."""

from fastapi import APIRouter, Request
from sqlalchemy import event
from sqlmodel import Session

from alerts.subscriptions import set_account_active
from service.security import SESSION_COOKIE, session_cookie_value
from store.models import User
from tests.loops import run_apart
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)


def test_no_credentials_is_401_with_a_json_message(api):
    response = api.get("/api/v1/search")
    assert response.status_code == 401
    assert "sign in" in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_is_401(api, users):
    response = api.get("/api/v1/me", headers={"Authorization": "Bearer tbt_nope"})
    assert response.status_code == 401 and "unknown" in response.json()["detail"]


def test_token_and_session_cookie_both_authenticate(api, users, settings):
    assert api.get("/api/v1/me", headers=users["staff"].headers).json()["role"] == "staff"
    api.cookies.set(SESSION_COOKIE, session_cookie_value(users["embassy"].id, settings))
    me = api.get("/api/v1/me").json()
    assert me["role"] == "embassy" and me["member_code"] == "JPN"
    api.cookies.set(SESSION_COOKIE, "forged")
    assert api.get("/api/v1/me").status_code == 401


def test_own_tokens_made_listed_and_revoked(api, users, settings):
    headers = users["exporter"].headers
    assert api.post("/api/v1/tokens", json={"name": "script"}, headers=headers).status_code == 403  # not by a token
    api.cookies.set(SESSION_COOKIE, session_cookie_value(users["exporter"].id, settings))
    made = api.post("/api/v1/tokens", json={"name": "script"}, headers={"Origin": "http://testserver"})
    api.cookies.clear()
    assert made.status_code == 201
    token = made.json()["token"]
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = api.get("/api/v1/tokens", headers=headers).json()
    assert {t["name"] for t in listed} == {"tests", "script"} and all("token" not in t for t in listed)
    other = api.get("/api/v1/tokens", headers=users["staff"].headers).json()
    assert api.delete(f"/api/v1/tokens/{other[0]['id']}", headers=headers).status_code == 404
    assert api.delete(f"/api/v1/tokens/{made.json()['id']}", headers=headers).status_code == 204
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    api.cookies.set(SESSION_COOKIE, session_cookie_value(users["exporter"].id, settings))
    assert api.post("/api/v1/tokens", json={"name": ""}, headers={"Origin": "http://testserver"}).status_code == 422


def test_errors_are_json(api, users):
    headers = users["staff"].headers
    missing = api.get("/api/v1/notifications/999", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"detail": "notification 999 not found"}
    invalid = api.get("/api/v1/search?page=0", headers=headers)
    assert invalid.status_code == 422
    assert invalid.json()["detail"].startswith("invalid request: query.page")
    assert api.get("/api/v1/no-such-thing", headers=headers).json() == {"detail": "Not Found"}


def test_unexpected_errors_are_logged_500_json(api, caplog):
    router = APIRouter()

    @router.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    api.app.include_router(router)
    response = api.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; it has been logged"}
    assert "secret internals" in caplog.text


def test_a_token_is_checked_once_then_trusted_until_its_account_changes(api, users, db_engine):
    headers = users["exporter"].headers
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db_engine, "before_cursor_execute", listener)
    try:
        assert api.get("/api/v1/me", headers=headers).status_code == 200
    finally:
        event.remove(db_engine, "before_cursor_execute", listener)
    assert not any("api_token" in s for s in statements)  # no database round trip for the token
    with Session(db_engine) as session:
        set_account_active(session, session.get(User, users["exporter"].id), False)
        session.commit()
    assert api.get("/api/v1/me", headers=headers).status_code == 401  # forgotten at once


def test_no_free_database_connection_is_a_503_to_retry():
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from service.api.errors import unexpected_error

    coroutine = unexpected_error(
        Request({"type": "http", "method": "GET", "path": "/api/v1/search", "headers": [], "query_string": b""}),
        PoolTimeout(),
    )
    answer = run_apart(coroutine)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
